using ActorConnect.Runtime.Config.Providers;
using Akka.Event;

namespace ActorConnect.Runtime.Logging;

/// <summary>
/// A logger whose lines and exceptions never carry a value the config providers resolved: a line that quotes one (in
/// its message, an exception's message, an inner exception or a stack trace) is written with the placeholder instead.
/// Lines that quote none pass through unchanged, their structured properties intact.
/// </summary>
internal sealed class RedactingLoggingAdapter(ILoggingAdapter inner, SecretRedactor secrets) : ILoggingAdapter
{
    public ILogMessageFormatter Formatter => inner.Formatter;

    public bool IsDebugEnabled => inner.IsDebugEnabled;

    public bool IsInfoEnabled => inner.IsInfoEnabled;

    public bool IsWarningEnabled => inner.IsWarningEnabled;

    public bool IsErrorEnabled => inner.IsErrorEnabled;

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log(LogLevel logLevel, Exception cause, string format)
    {
        if (!WroteRedacted(logLevel, cause, format))
        {
            inner.Log(logLevel, cause, format);
        }
    }

    public void Log(LogLevel logLevel, Exception cause, LogMessage message)
    {
        if (!WroteRedacted(logLevel, cause, message))
        {
            inner.Log(logLevel, cause, message);
        }
    }

    /// <summary>Writes the line redacted and returns true when it (or its exception) quotes a secret.</summary>
    private bool WroteRedacted(LogLevel level, Exception? cause, object message)
    {
        if (secrets.IsEmpty)
        {
            return false;
        }

        var text = message.ToString() ?? string.Empty;
        var redactedCause = secrets.Redact(cause);
        if (!secrets.Holds(text) && ReferenceEquals(redactedCause, cause))
        {
            return false;
        }

        // The redacted text goes in as an argument, never as the template: a placeholder's braces are no format item.
        inner.Log(level, redactedCause!, "{0}", secrets.Redact(text));
        return true;
    }
}
