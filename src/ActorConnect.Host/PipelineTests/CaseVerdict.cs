using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace ActorConnect.Host.PipelineTests;

/// <summary>
/// Compares what a case expects with what came out, field by field (only the fields the case gives), and writes the
/// difference as a unified diff of the two records: <c>-</c> lines expected, <c>+</c> lines actual.
/// </summary>
internal static class CaseVerdict
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Null when the outcome is what the case expects; else the diff lines.</summary>
    public static IReadOnlyList<string>? Diff(CaseExpectation expect, CaseOutcome outcome)
    {
        switch (expect, outcome)
        {
            case ({ Dropped: true }, CaseOutcome.Dropped):
                return null;
            case ({ Error: { } text }, CaseOutcome.Failed failed) when failed.Message.Contains(text, StringComparison.Ordinal):
                return null;
            case ({ Record: { } record }, CaseOutcome.Produced produced) when Matches(record, produced.Record):
                return null;
        }

        var expected = expect switch
        {
            { Dropped: true } => ["dropped"],
            { Error: { } text } => [$"error containing: {text}"],
            _ => Lines(expect.Record!, expect.Record!),
        };
        var actual = outcome switch
        {
            CaseOutcome.Dropped => ["dropped"],
            CaseOutcome.Failed { Skipped: true } f => [$"skipped (errors.tolerance=all) after error: {f.Message}"],
            CaseOutcome.Failed f => [$"error: {f.Message}"],
            CaseOutcome.Produced p => Lines(expect.Record ?? AllFields, p.Record),
            _ => [],
        };
        return Unified(expected, actual);
    }

    /// <summary>What is shown of a record that came out when a drop or an error was expected.</summary>
    private static readonly CaseRecord AllFields = new(null, null, null, null, null, null, null, new HashSet<string>(["topic", "key", "value", "headers"]));

    private static bool Matches(CaseRecord expected, ActualRecord actual) =>
        (!expected.Given.Contains("topic") || expected.Topic == actual.Topic) &&
        (!expected.Given.Contains("partition") || expected.Partition == actual.Partition) &&
        (!expected.Given.Contains("offset") || expected.Offset == actual.Offset) &&
        (!expected.Given.Contains("timestamp") || expected.Timestamp == actual.Timestamp) &&
        (!expected.Given.Contains("key") || Matches(expected.Key, actual.Key)) &&
        (!expected.Given.Contains("value") || Matches(expected.Value, actual.Value)) &&
        (!expected.Given.Contains("headers") || Headers(expected.Headers ?? []).SequenceEqual(Headers(actual.Headers)));

    /// <summary>A string is compared with the text; JSON with the JSON it reads as (key order and spacing aside).</summary>
    private static bool Matches(JsonNode? expected, OutputValue actual) => expected switch
    {
        null => actual.IsNull,
        JsonValue v when v.TryGetValue(out string? text) => actual.Text == text,
        _ => actual.Json is not null && JsonNode.DeepEquals(JsonNode.Parse(expected.ToJsonString()), actual.Json),
    };

    /// <summary>Headers compared by name, then in the order they came (a header may repeat).</summary>
    private static IEnumerable<string> Headers(IEnumerable<KeyValuePair<string, string?>> headers) =>
        headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {h.Value ?? "null"}");

    /// <summary>The fields <paramref name="shape"/> gives, of <paramref name="record"/>, one per line (JSON indented).</summary>
    private static List<string> Lines(CaseRecord shape, object record)
    {
        var lines = new List<string>();
        var (topic, partition, offset, timestamp, key, value, headers) = record switch
        {
            CaseRecord c => (c.Topic, c.Partition, c.Offset, c.Timestamp, Show(c.Key), Show(c.Value), (IEnumerable<KeyValuePair<string, string?>>)(c.Headers ?? [])),
            ActualRecord a => (a.Topic, a.Partition, a.Offset, a.Timestamp, Show(a.Key, shape.Key), Show(a.Value, shape.Value), a.Headers),
            _ => throw new ArgumentException("not a record", nameof(record)),
        };
        if (shape.Given.Contains("topic"))
        {
            lines.Add($"topic: {topic}");
        }

        if (shape.Given.Contains("partition"))
        {
            lines.Add($"partition: {partition?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }

        if (shape.Given.Contains("offset"))
        {
            lines.Add($"offset: {offset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }

        if (shape.Given.Contains("timestamp"))
        {
            lines.Add($"timestamp: {timestamp?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }

        Field(lines, shape, "key", key);
        Field(lines, shape, "value", value);
        if (shape.Given.Contains("headers"))
        {
            lines.Add("headers:");
            lines.AddRange(Headers(headers).Select(h => "  " + h));
        }

        return lines;
    }

    private static void Field(List<string> lines, CaseRecord shape, string name, string shown)
    {
        if (!shape.Given.Contains(name))
        {
            return;
        }

        var parts = shown.Split('\n');
        lines.Add($"{name}: {parts[0]}");
        lines.AddRange(parts.Skip(1).Select(p => "  " + p));
    }

    /// <summary>An expected key or value: a string as written, JSON indented, null as null.</summary>
    private static string Show(JsonNode? expected) => expected switch
    {
        null => "null",
        JsonValue v when v.TryGetValue(out string? text) => text,
        _ => expected.ToJsonString(Pretty),
    };

    /// <summary>An actual key or value, shown as the expected one is (JSON indented when JSON is expected), else as the bytes' text.</summary>
    private static string Show(OutputValue actual, JsonNode? expected) => actual switch
    {
        { IsNull: true } => "null",
        { Json: { } json } when expected is JsonObject or JsonArray => json.ToJsonString(Pretty),
        { Text: { } text } => text,
        { Json: { } json } => json.ToJsonString(Compact),
        _ => "null",
    };

    private static List<string> Unified(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var diff = InlineDiffBuilder.Diff(string.Join('\n', expected), string.Join('\n', actual), ignoreWhiteSpace: false);
        var lines = new List<string> { "--- expected", "+++ actual" };
        foreach (var line in diff.Lines)
        {
            lines.Add(line.Type switch
            {
                ChangeType.Deleted => "- ",
                ChangeType.Inserted => "+ ",
                _ => "  ",
            } + line.Text);
        }

        return lines;
    }
}
