using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's ReplaceField: keeps only the <c>include</c>d fields, drops the <c>exclude</c>d ones (exclusion wins) and
/// renames (<c>renames=old:new,...</c>). The names used before Kafka 3.0, <c>whitelist</c> and <c>blacklist</c>,
/// still work; the new key wins when both are set.
/// </summary>
public abstract class ReplaceField : KeyOrValueTransformation
{
    private const string Purpose = "field replacement";

    private static readonly ConfigDef Definition = new ConfigDef()
        .Define("exclude", ConfigType.List, "", Importance.Medium, "Fields to exclude. This takes precedence over the fields to include.")
        .Define("include", ConfigType.List, "", Importance.Medium, "Fields to include. If specified, only these fields will be used.")
        .Define("renames", ConfigType.List, "", Importance.Medium, "Field rename mappings.",
            TransformConfig.Parses((key, m) => ParseRenames(key, m), "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>"))
        .DefineReplaceNullWithDefault()
        .Define("blacklist", ConfigType.List, null, Importance.Low, "Deprecated. Use exclude instead.")
        .Define("whitelist", ConfigType.List, null, Importance.Low, "Deprecated. Use include instead.");

    private readonly SchemaCache<Plan> _plans = new();
    private HashSet<string> _exclude = [];
    private HashSet<string> _include = [];
    private Dictionary<string, string> _renames = [];
    private Dictionary<string, string> _reverseRenames = [];
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _exclude = [.. ListOrDeprecated(config, "exclude", "blacklist")];
        _include = [.. ListOrDeprecated(config, "include", "whitelist")];
        _renames = ParseRenames("renames", config.GetList("renames"));
        _reverseRenames = _renames.ToDictionary(kv => kv.Value, kv => kv.Key);
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record) => OperatingValue(record) switch
    {
        null => record,
        var value when OperatingSchema(record) is not null => ApplyWithSchema(record, Requirements.RequireStruct(value, Purpose)),
        var value => ApplySchemaless(record, Requirements.RequireMap(value, Purpose)),
    };

    internal static Dictionary<string, string> ParseRenames(string key, IReadOnlyList<string> mappings)
    {
        var renames = new Dictionary<string, string>();
        foreach (var mapping in mappings)
        {
            var parts = mapping.Split(':');
            if (parts.Length != 2)
            {
                throw new ConfigException(key, "[" + string.Join(", ", mappings) + "]", $"Invalid rename mapping: {mapping}");
            }

            renames[parts[0]] = parts[1];
        }

        return renames;
    }

    private static IReadOnlyList<string> ListOrDeprecated(ParsedConfig config, string key, string deprecated) =>
        config.Originals.ContainsKey(key) || !config.Originals.ContainsKey(deprecated) ? config.GetList(key) : config.GetList(deprecated);

    private bool Keeps(string field) => !_exclude.Contains(field) && (_include.Count == 0 || _include.Contains(field));

    private string Renamed(string field) => _renames.GetValueOrDefault(field, field);

    private ConnectRecord ApplySchemaless(ConnectRecord record, IDictionary<string, object?> value)
    {
        var updated = new Dictionary<string, object?>(value.Count);
        foreach (var (name, fieldValue) in value)
        {
            if (Keeps(name))
            {
                updated[Renamed(name)] = fieldValue;
            }
        }

        return NewRecord(record, null, updated);
    }

    private ConnectRecord ApplyWithSchema(ConnectRecord record, Struct value)
    {
        var plan = _plans.GetOrAdd(value.Schema, this, static (s, self) => self.MakePlan(s));
        var updated = new Struct(plan.Schema);
        var fields = plan.Schema.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            updated.Put(fields[i], SchemaUtil.FieldValue(value, plan.Sources[i], _replaceNullWithDefault));
        }

        return NewRecord(record, plan.Schema, updated);
    }

    private Plan MakePlan(Schema schema)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        foreach (var field in schema.Fields.Where(f => Keeps(f.Name)))
        {
            builder.Field(Renamed(field.Name), field.Schema);
        }

        var updated = builder.Build();
        return new Plan(updated, [.. updated.Fields.Select(f => schema.Field(_reverseRenames.GetValueOrDefault(f.Name, f.Name))!)]);
    }

    /// <summary>The new schema for one input schema, and for each of its fields the input field it takes its value from.</summary>
    private sealed record Plan(Schema Schema, Field[] Sources);
}

/// <summary><c>org.apache.kafka.connect.transforms.ReplaceField$Key</c>: filters and renames key fields.</summary>
public sealed class ReplaceFieldKey : ReplaceField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("ReplaceField$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.ReplaceField$Value</c>: filters and renames value fields.</summary>
public sealed class ReplaceFieldValue : ReplaceField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("ReplaceField$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
