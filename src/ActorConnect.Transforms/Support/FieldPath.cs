using System.Text;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Transforms.Support;

/// <summary>Kafka's <c>field.syntax.version</c> (KIP-821): V1 names a top-level field, V2 a dotted path.</summary>
internal enum FieldSyntaxVersion
{
    V1,
    V2,
}

/// <summary>
/// A path to one field of a Struct or map. With V1 the whole text is one field name; with V2 dots separate steps, and
/// a step holding dots is wrapped in backticks (<c>`foo.bar`.baz</c>), a backtick before a dot inside it escaped
/// with a backslash.
/// </summary>
internal sealed class FieldPath
{
    public const string SyntaxVersionKey = "field.syntax.version";

    private const string SyntaxVersionDoc =
        "Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. "
        + "If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. "
        + "If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. "
        + "E.g. to access the subfield `baz` from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"`foo.bar`.baz\".";

    private readonly string[] _steps;

    public FieldPath(string text, FieldSyntaxVersion version)
    {
        Text = text;
        _steps = version == FieldSyntaxVersion.V1 || text.Length == 0 ? [text] : ParseV2(text);
    }

    /// <summary>The path as configured.</summary>
    public string Text { get; }

    /// <summary>The field names, outermost first.</summary>
    public IReadOnlyList<string> Steps => _steps;

    /// <summary>Adds <c>field.syntax.version</c> (V1 or V2, default V1).</summary>
    public static ConfigDef DefineSyntaxVersion(ConfigDef def) =>
        def.Define(SyntaxVersionKey, ConfigType.String, nameof(FieldSyntaxVersion.V1), Importance.High, SyntaxVersionDoc,
            ConfigValidators.ValidString(nameof(FieldSyntaxVersion.V1), nameof(FieldSyntaxVersion.V2)));

    /// <summary>The syntax version a parsed config asks for.</summary>
    public static FieldSyntaxVersion SyntaxVersion(ParsedConfig config)
    {
        var text = config.GetString(SyntaxVersionKey) ?? nameof(FieldSyntaxVersion.V1);
        return Enum.TryParse<FieldSyntaxVersion>(text, ignoreCase: true, out var v)
            ? v
            : throw new ConfigException(SyntaxVersionKey, text, "Unrecognized field syntax version");
    }

    /// <summary>The field at the path in a struct schema, or null when a step is missing.</summary>
    public Field? FieldFrom(Schema? schema)
    {
        var current = schema;
        foreach (var step in _steps.SkipLast(1))
        {
            current = current?.Field(step)?.Schema;
        }

        return current?.Field(_steps[^1]);
    }

    /// <summary>The value at the path in a struct, or null when a step is missing or null.</summary>
    public object? ValueFrom(Struct? value, bool withDefault = true)
    {
        var current = value;
        foreach (var step in _steps.SkipLast(1))
        {
            if (current is null || current.Schema.Field(step) is not { } field)
            {
                return null;
            }

            current = Requirements.RequireStructOrNull(current.Get(field), "nested field access");
        }

        return current?.Schema.Field(_steps[^1]) is { } last ? SchemaUtil.FieldValue(current, last, withDefault) : null;
    }

    /// <summary>The value at the path in a map, or null when a step is missing or null.</summary>
    public object? ValueFrom(IDictionary<string, object?>? value)
    {
        var current = value;
        foreach (var step in _steps.SkipLast(1))
        {
            current = Requirements.RequireMapOrNull(current?.TryGetValue(step, out var next) == true ? next : null, "nested field access");
        }

        return current is not null && current.TryGetValue(_steps[^1], out var found) ? found : null;
    }

    private static string[] ParseV2(string path)
    {
        var steps = new List<string>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] != '`')
            {
                var dot = path.IndexOf('.', i);
                steps.Add(dot >= 0 ? path[i..dot] : path[i..]);
                i = dot >= 0 ? dot + 1 : path.Length;
            }
            else
            {
                i = ReadQuotedStep(path, i, steps);
            }
        }

        if (path.EndsWith('.'))
        {
            steps.Add(string.Empty);
        }

        return steps.ToArray();
    }

    // A quoted step ends at a backtick followed by a dot or by the end of the path; a backtick followed by anything
    // else is part of the name, and one preceded by a backslash before a dot is an escaped backtick.
    private static int ReadQuotedStep(string path, int opening, List<string> steps)
    {
        var name = new StringBuilder();
        var start = opening + 1;
        var i = start;
        while (true)
        {
            var close = path.IndexOf('`', i);
            if (close < 0)
            {
                throw IncompletePair(path, opening);
            }

            var escaped = path[close - 1] == '\\';
            if (close == path.Length - 1)
            {
                if (escaped)
                {
                    throw IncompletePair(path, opening);
                }

                steps.Add(name.Append(path, start, close - start).ToString());
                return path.Length;
            }

            if (path[close + 1] != '.')
            {
                i = close + 1;
                continue;
            }

            if (escaped)
            {
                name.Append(path, start, close - 1 - start).Append('`');
                i = start = close + 1;
                continue;
            }

            steps.Add(name.Append(path, start, close - start).ToString());
            return close + 2;
        }
    }

    private static ConfigException IncompletePair(string path, int at) =>
        new($"Incomplete backtick pair in path: [{path}], consider adding a backslash before backtick at position {at} to escape it");
}
