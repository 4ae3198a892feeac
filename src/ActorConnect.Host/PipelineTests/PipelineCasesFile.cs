using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorConnect.Host.PipelineTests;

/// <summary>One record of a cases file, as given: every field may be left out.</summary>
/// <param name="Topic">The topic; null: the connector's.</param>
/// <param name="Partition">The partition; null: none (source) or 0 (sink).</param>
/// <param name="Offset">A sink record's offset; null: 0.</param>
/// <param name="Timestamp">The record's timestamp (epoch milliseconds or ISO 8601); null: none.</param>
/// <param name="Key">The key: a string, JSON, or null.</param>
/// <param name="Value">The value: a string, JSON, or null.</param>
/// <param name="Headers">Header names and values, in order.</param>
/// <param name="Given">Which fields the file gave (what an expectation checks).</param>
internal sealed record CaseRecord(string? Topic, int? Partition, long? Offset, DateTimeOffset? Timestamp, JsonNode? Key, JsonNode? Value, IReadOnlyList<KeyValuePair<string, string?>>? Headers, IReadOnlySet<string> Given);

/// <summary>What a case expects: a record (the fields it gives), the record dropped, or an error whose message holds a text.</summary>
internal sealed record CaseExpectation(CaseRecord? Record, bool Dropped, string? Error);

/// <summary>One named case: a record in, what should come out.</summary>
internal sealed record PipelineCase(string Name, int Line, CaseRecord Input, CaseExpectation Expect);

/// <summary>A cases file that cannot be read: the message names the line and the fix.</summary>
internal sealed class CasesFileException(string message) : Exception(message);

/// <summary>
/// Reads a cases file (YAML): <c>cases:</c>, a list of <c>name</c>, <c>input</c> (<c>topic</c>, <c>partition</c>,
/// <c>offset</c>, <c>key</c>, <c>value</c>, <c>headers</c>) and <c>expect</c> (the same fields, or <c>dropped: true</c>,
/// or <c>error: text</c>). A key or value is a string when written as a YAML string, JSON when written as a YAML
/// mapping, list, number or boolean, null when written <c>null</c>.
/// </summary>
internal static partial class PipelineCasesFile
{
    private static readonly string[] RecordFields = ["topic", "partition", "offset", "timestamp", "key", "value", "headers"];
    private static readonly string[] CaseFields = ["name", "input", "expect"];

    public static IReadOnlyList<PipelineCase> Load(FileInfo file)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = file.OpenText();
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new CasesFileException($"{file.Name}: not valid YAML at line {e.Start.Line}: {e.Message}");
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root || Child(root, "cases") is not YamlSequenceNode list)
        {
            throw new CasesFileException($"{file.Name}: no cases. The file must hold a 'cases:' list, each case with a name, an input record and what to expect (see samples/pipeline-test/cases.yaml).");
        }

        var cases = new List<PipelineCase>();
        foreach (var node in list.Children)
        {
            var line = (int)node.Start.Line;
            if (node is not YamlMappingNode item)
            {
                throw Bad(file, node, "a case must be a mapping with name, input and expect");
            }

            CheckKeys(file, item, CaseFields, "a case");
            var name = Child(item, "name") is YamlScalarNode { Value: { Length: > 0 } n } ? n : throw Bad(file, item, "the case has no name; give it 'name: <what it shows>'");
            if (cases.Any(c => c.Name == name))
            {
                throw Bad(file, item, $"two cases are named '{name}'; give each its own name");
            }

            var input = Child(item, "input") is YamlMappingNode i ? ReadRecord(file, i) : throw Bad(file, item, $"case '{name}' has no 'input:' record");
            var expect = Child(item, "expect") is YamlMappingNode e ? ReadExpectation(file, e, name) : throw Bad(file, item, $"case '{name}' has no 'expect:' (a record, 'dropped: true' or 'error: <text>')");
            cases.Add(new PipelineCase(name, line, input, expect));
        }

        return cases.Count > 0 ? cases : throw new CasesFileException($"{file.Name}: the 'cases:' list is empty; add a case.");
    }

    private static CaseExpectation ReadExpectation(FileInfo file, YamlMappingNode node, string name)
    {
        if (Child(node, "dropped") is { } dropped)
        {
            CheckKeys(file, node, ["dropped"], $"case '{name}' expects the record dropped, so its expect");
            return ToJson(dropped) is JsonValue v && v.TryGetValue(out bool yes) && yes
                ? new CaseExpectation(null, true, null)
                : throw Bad(file, dropped, "'dropped' takes true; to expect a record, give its fields instead");
        }

        if (Child(node, "error") is { } error)
        {
            CheckKeys(file, node, ["error"], $"case '{name}' expects an error, so its expect");
            return new CaseExpectation(null, false, error is YamlScalarNode { Value: { } text } ? text : throw Bad(file, error, "'error' takes a text the error message contains"));
        }

        var record = ReadRecord(file, node);
        return record.Given.Count > 0 ? new CaseExpectation(record, false, null) : throw Bad(file, node, $"case '{name}' expects nothing; give the fields to check, 'dropped: true' or 'error: <text>'");
    }

    private static CaseRecord ReadRecord(FileInfo file, YamlMappingNode node)
    {
        CheckKeys(file, node, RecordFields, "a record");
        var given = node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToHashSet(StringComparer.Ordinal);
        List<KeyValuePair<string, string?>>? headers = null;
        if (Child(node, "headers") is { } h)
        {
            headers = h is YamlMappingNode map
                ? map.Children.Select(kv => new KeyValuePair<string, string?>(((YamlScalarNode)kv.Key).Value!, kv.Value is YamlScalarNode s && !IsNull(s) ? s.Value : kv.Value is YamlScalarNode ? null : throw Bad(file, kv.Value, "a header value is a text"))).ToList()
                : throw Bad(file, h, "headers are a mapping of name: value");
        }

        return new CaseRecord(
            Scalar(file, node, "topic"),
            Scalar(file, node, "partition") is { } p ? int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var partition) ? partition : throw Bad(file, Child(node, "partition")!, "partition is a whole number") : null,
            Scalar(file, node, "offset") is { } o ? long.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : throw Bad(file, Child(node, "offset")!, "offset is a whole number") : null,
            Scalar(file, node, "timestamp") is { } t ? Timestamp(t) ?? throw Bad(file, Child(node, "timestamp")!, "timestamp is epoch milliseconds or an ISO 8601 time (2026-01-31T12:00:00Z)") : null,
            Child(node, "key") is { } key ? ToJson(key) : null,
            Child(node, "value") is { } value ? ToJson(value) : null,
            headers,
            given);
    }

    private static DateTimeOffset? Timestamp(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : null;

    private static string? Scalar(FileInfo file, YamlMappingNode node, string key) => Child(node, key) switch
    {
        null => null,
        YamlScalarNode s when !IsNull(s) => s.Value,
        var other => throw Bad(file, other, $"'{key}' takes a single value"),
    };

    private static void CheckKeys(FileInfo file, YamlMappingNode node, string[] allowed, string what)
    {
        foreach (var key in node.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } || !allowed.Contains(name, StringComparer.Ordinal))
            {
                throw Bad(file, key, $"{what} has no field '{key}'; its fields are {string.Join(", ", allowed)}");
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static CasesFileException Bad(FileInfo file, YamlNode node, string message) =>
        new($"{file.Name}, line {node.Start.Line}: {message}.");

    private static bool IsNull(YamlScalarNode node) =>
        node.Style == ScalarStyle.Plain && node.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// A YAML node as JSON, by YAML 1.2's core schema: a quoted scalar is a string, a plain one a null, boolean or
    /// number when it reads as one, else a string.
    /// </summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? string.Empty, ToJson(kv.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode s when s.Style != ScalarStyle.Plain => JsonValue.Create(s.Value ?? string.Empty),
        YamlScalarNode s when IsNull(s) => null,
        YamlScalarNode { Value: "true" or "True" or "TRUE" } => JsonValue.Create(true),
        YamlScalarNode { Value: "false" or "False" or "FALSE" } => JsonValue.Create(false),
        YamlScalarNode s when Number().IsMatch(s.Value!) => JsonNode.Parse(s.Value!),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex Number();
}
