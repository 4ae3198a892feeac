using System.Globalization;
using System.Text;

namespace ActorConnect.Runtime.Logging;

/// <summary>
/// Makes user-given text (connector names, config keys and values, paths, request paths, and the messages that quote
/// them) safe to write into a log: every control character, and the Unicode line and paragraph separators, is written
/// as an escape (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u0000</c>), so a value can never start a line of its own that
/// reads like a line the worker wrote (log forging), and a NUL cannot cut the line short.
/// </summary>
public static class LogText
{
    /// <summary><paramref name="text"/> with its control characters escaped; the same string when it has none.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when NeedsEscape(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>
    /// An exception as .NET writes it (type, message, inner exceptions, stack trace), with every message escaped: the
    /// stack trace's own lines stay lines, but a message quoting a user's value stays on its line.
    /// </summary>
    public static string Exception(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = new StringBuilder();
        Append(exception, text);
        return text.ToString();
    }

    private static void Append(Exception exception, StringBuilder text)
    {
        text.Append(exception.GetType().FullName).Append(": ").Append(Escape(exception.Message));
        IReadOnlyList<Exception> inners = exception is AggregateException aggregate ? aggregate.InnerExceptions
            : exception.InnerException is { } one ? [one] : [];
        foreach (var inner in inners)
        {
            text.Append(" ---> ");
            Append(inner, text);
            text.AppendLine().Append("   --- End of inner exception stack trace ---");
        }

        if (exception.StackTrace is { } trace)
        {
            text.AppendLine().Append(trace);
        }
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
