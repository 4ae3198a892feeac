using System.Buffers;
using System.Text.Json;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// The value of a dead-letter record written to a broker that cannot store record headers (Kafka before 0.11), when
/// <c>errors.deadletterqueue.context.headers.enable=true</c>: the failed record and its error context in one JSON
/// object, so neither is lost. The record key stays the original key bytes.
/// <code>
/// {"actorconnect.dlq.envelope": 1,
///  "key": "base64 of the original key, or null",
///  "value": "base64 of the original value, or null",
///  "timestamp": 1700000000000 or null,
///  "headers": [{"key": "h1", "value": "base64 or null"}],
///  "context": {"__connect.errors.topic": "orders", "__connect.errors.partition": "0", "__connect.errors.offset": "42",
///              "__connect.errors.connector.name": "...", "__connect.errors.task.id": "0",
///              "__connect.errors.stage": "VALUE_CONVERTER", "__connect.errors.class.name": "...",
///              "__connect.errors.exception.class.name": "...", "__connect.errors.exception.message": "...",
///              "__connect.errors.exception.stacktrace": "...",
///              "__connect.errors.source.partition": "{...}", "__connect.errors.source.offset": "{...}"}}
/// </code>
/// <c>context</c> holds exactly the headers a modern broker would have been given, names and string values alike
/// (the two <c>source.*</c> entries only for source connectors), so one reader handles both forms.
/// </summary>
public static class DeadLetterEnvelope
{
    /// <summary>The marker field, with the envelope's format version.</summary>
    public const string Marker = "actorconnect.dlq.envelope";

    public static byte[] Write(RawRecord record, IReadOnlyList<KeyValuePair<string, string>> context)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (record.Value?.Length ?? 0) * 4 / 3);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber(Marker, 1);
            WriteBytes(w, "key", record.Key);
            WriteBytes(w, "value", record.Value);
            if (record.Timestamp is { } ts)
            {
                w.WriteNumber("timestamp", ts.ToUnixTimeMilliseconds());
            }
            else
            {
                w.WriteNull("timestamp");
            }

            w.WriteStartArray("headers");
            foreach (var (key, value) in record.Headers ?? [])
            {
                w.WriteStartObject();
                w.WriteString("key", key);
                WriteBytes(w, "value", value);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("context");
            foreach (var (key, value) in context)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteBytes(Utf8JsonWriter w, string name, byte[]? bytes)
    {
        if (bytes is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteBase64String(name, bytes);
        }
    }
}
