using System.Text;
using ActorConnect.Api.Data;

namespace ActorConnect.TestKit;

/// <summary>
/// Comparisons of records with what a test expects, for any test framework: each throws
/// <see cref="ConnectAssertionException"/> whose message lists both sides and marks the first difference.
/// </summary>
public static class RecordAssert
{
    /// <summary>Checks that the records' values (as UTF-8 text) are <paramref name="expected"/>, in order.</summary>
    public static void ValuesEqual(IEnumerable<ProducedRecord> actual, params string?[] expected) =>
        Compare("values", expected, actual.Select(r => (object?)r.Value).ToList());

    /// <summary>Checks that the records' keys (as UTF-8 text) are <paramref name="expected"/>, in order.</summary>
    public static void KeysEqual(IEnumerable<ProducedRecord> actual, params string?[] expected) =>
        Compare("keys", expected, actual.Select(r => (object?)r.Key).ToList());

    /// <summary>Checks that the values of records a task polled or was put are <paramref name="expected"/>, in order.</summary>
    public static void ValuesEqual(IEnumerable<ConnectRecord> actual, params object?[] expected) =>
        Compare("values", expected, actual.Select(r => r.Value).ToList());

    /// <summary>Checks that the keys of records a task polled or was put are <paramref name="expected"/>, in order.</summary>
    public static void KeysEqual(IEnumerable<ConnectRecord> actual, params object?[] expected) =>
        Compare("keys", expected, actual.Select(r => r.Key).ToList());

    private static void Compare(string what, IReadOnlyList<object?> expected, IReadOnlyList<object?> actual)
    {
        var first = FirstDifference(expected, actual);
        if (first < 0)
        {
            return;
        }

        var message = new StringBuilder()
            .Append("Record ").Append(what).Append(" differ at index ").Append(first).Append(": expected ")
            .Append(Show(expected, first)).Append(", got ").Append(Show(actual, first))
            .Append(" (expected ").Append(expected.Count).Append(", got ").Append(actual.Count).AppendLine(").")
            .Append("Expected: ").AppendLine(ShowAll(expected, first))
            .Append("Actual:   ").Append(ShowAll(actual, first));
        throw new ConnectAssertionException(message.ToString());
    }

    private static int FirstDifference(IReadOnlyList<object?> expected, IReadOnlyList<object?> actual)
    {
        for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            if (i >= expected.Count || i >= actual.Count || !Equals(expected[i], actual[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Show(IReadOnlyList<object?> values, int index) => index < values.Count ? Format(values[index]) : "nothing (the list ends)";

    // Long lists show a window around the difference, so the message stays readable.
    private static string ShowAll(IReadOnlyList<object?> values, int marked)
    {
        const int window = 5;
        var from = Math.Max(0, marked - window);
        var to = Math.Min(values.Count, marked + window + 1);
        var shown = Enumerable.Range(from, to - from).Select(i => i == marked ? $">>{Format(values[i])}<<" : Format(values[i]));
        return (from > 0 ? "[... " : "[") + string.Join(", ", shown) + (to < values.Count ? " ...]" : "]");
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => $"{value} ({value.GetType().Name})",
    };
}
