using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;

namespace ActorConnect.Connectors.File;

/// <summary>
/// The text the file sink writes for a record value: a string as is, bytes as the (UTF-8) text they hold, null as
/// "null" (what Kafka's <c>println(Object)</c> prints), numbers and dates culture-independently, booleans as
/// "true"/"false", maps as <c>{k=v, …}</c> and lists as <c>[a, …]</c> (Java's notation), anything else by ToString.
/// </summary>
internal static class ValueText
{
    public static void Write(ArrayBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case byte[] bytes:
                output.Write(bytes);
                break;
            case ReadOnlyMemory<byte> memory:
                output.Write(memory.Span);
                break;
            case ArraySegment<byte> segment:
                output.Write(segment.AsSpan());
                break;
            default:
                var text = Format(value);
                var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
                output.Advance(Encoding.UTF8.GetBytes(text, span));
                break;
        }
    }

    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(", ", Entries(map).Select(e => $"{Nested(e.Key)}={Nested(e.Value)}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Nested)) + "]",
        _ => value.ToString() ?? string.Empty,
    };

    private static IEnumerable<DictionaryEntry> Entries(IDictionary map)
    {
        var e = map.GetEnumerator();
        while (e.MoveNext())
        {
            yield return e.Entry;
        }
    }

    private static string Nested(object? value) => value is byte[] b ? Convert.ToBase64String(b) : Format(value);
}
