using ActorConnect.Runtime.Logging;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace ActorConnect.Host;

/// <summary>
/// Every line of the host's log passes here on its way to the console (the worker's Akka lines, ASP.NET Core's, the
/// host's own), so no user-given text can forge a line: the message's text and every value in it get
/// <see cref="LogText.Escape"/> (a text may quote a user's value too: Akka writes a crashed actor's exception message
/// as the message itself), and the exception is offered as <see cref="ExceptionProperty"/>, written by
/// <see cref="LogText.Exception"/>, for the output template to print instead of the raw one.
/// </summary>
internal sealed class LogEscaping(ILogEventSink inner) : ILogEventSink
{
    /// <summary>The property holding the escaped exception and its line break; empty without an exception.</summary>
    public const string ExceptionProperty = "EscapedException";

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var template = new MessageTemplate(logEvent.MessageTemplate.Tokens.Select(t => t is TextToken text ? new TextToken(LogText.Escape(text.Text)) : t));
        var exception = logEvent.Exception is { } e ? LogText.Exception(e) + Environment.NewLine : string.Empty;
        var properties = logEvent.Properties
            .Select(p => new LogEventProperty(p.Key, Escaped(p.Value) ?? p.Value))
            .Append(new LogEventProperty(ExceptionProperty, new ScalarValue(exception)));
        inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, logEvent.Exception, template, properties));
    }

    /// <summary>The value with its text escaped, or null when it needs no change.</summary>
    private static LogEventPropertyValue? Escaped(LogEventPropertyValue value)
    {
        switch (value)
        {
            // A string, or an object rendered through ToString, which may quote a user's value (a record, a path).
            case ScalarValue { Value: { } scalar } when scalar is string or not (IFormattable or bool):
                var text = scalar as string ?? scalar.ToString() ?? string.Empty;
                var escaped = LogText.Escape(text);
                return ReferenceEquals(escaped, text) ? null : new ScalarValue(escaped);
            case SequenceValue sequence when sequence.Elements.Any(v => Escaped(v) is not null):
                return new SequenceValue(sequence.Elements.Select(v => Escaped(v) ?? v));
            case StructureValue structure when structure.Properties.Any(p => Escaped(p.Value) is not null):
                return new StructureValue(structure.Properties.Select(p => Escaped(p.Value) is { } v ? new LogEventProperty(p.Name, v) : p), structure.TypeTag);
            case DictionaryValue dictionary when dictionary.Elements.Any(kv => Escaped(kv.Key) is not null || Escaped(kv.Value) is not null):
                return new DictionaryValue(dictionary.Elements.Select(kv => KeyValuePair.Create((ScalarValue)(Escaped(kv.Key) ?? kv.Key), Escaped(kv.Value) ?? kv.Value)));
            default:
                return null;
        }
    }
}
