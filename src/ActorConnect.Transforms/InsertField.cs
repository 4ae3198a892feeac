using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's InsertField: adds fields holding the record's topic, partition, offset (sink records), timestamp, or a
/// static string. A field name ending in <c>!</c> is required in the new schema, <c>?</c> (the default) optional.
/// </summary>
public abstract class InsertField : KeyOrValueTransformation
{
    private const string Purpose = "field insertion";
    private const string OptionalityDoc = "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).";

    private static readonly ConfigDef Definition = new ConfigDef()
        .Define("topic.field", ConfigType.String, null, Importance.Medium, "Field name for Kafka topic. " + OptionalityDoc)
        .Define("partition.field", ConfigType.String, null, Importance.Medium, "Field name for Kafka partition. " + OptionalityDoc)
        .Define("offset.field", ConfigType.String, null, Importance.Medium, "Field name for Kafka offset - only applicable to sink connectors.<br/>" + OptionalityDoc)
        .Define("timestamp.field", ConfigType.String, null, Importance.Medium, "Field name for record timestamp. " + OptionalityDoc)
        .Define("static.field", ConfigType.String, null, Importance.Medium, "Field name for static data field. " + OptionalityDoc)
        .Define("static.value", ConfigType.String, null, Importance.Medium, "Static field value, if field name configured.")
        .DefineReplaceNullWithDefault();

    private static readonly Schema OptionalTimestamp = LogicalTypes.Timestamp().Optional().Build();
    private static readonly Schema RequiredTimestamp = LogicalTypes.Timestamp().Build();

    private readonly SchemaCache<Plan> _plans = new();
    private (Spec Spec, Kind Kind)[] _insertions = [];
    private string? _staticValue;
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        var topic = Spec.Parse(config.GetString("topic.field"));
        var partition = Spec.Parse(config.GetString("partition.field"));
        var offset = Spec.Parse(config.GetString("offset.field"));
        var timestamp = Spec.Parse(config.GetString("timestamp.field"));
        var staticField = Spec.Parse(config.GetString("static.field"));
        _staticValue = config.GetString("static.value");
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
        if (topic is null && partition is null && offset is null && timestamp is null && staticField is null)
        {
            throw new ConfigException("No field insertion configured: set at least one of topic.field, partition.field, offset.field, timestamp.field, static.field");
        }

        if (staticField is not null && _staticValue is null)
        {
            throw new ConfigException("static.value", null, $"No value specified for static field: {staticField.Name}");
        }

        _insertions =
        [
            .. new (Spec? Spec, Kind Kind)[] { (topic, Kind.Topic), (partition, Kind.Partition), (offset, Kind.Offset), (timestamp, Kind.Timestamp), (staticField, Kind.Static) }
                .Where(i => i.Spec is not null)
                .Select(i => (i.Spec!, i.Kind)),
        ];
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record) => OperatingValue(record) switch
    {
        null => record,
        var value when OperatingSchema(record) is not null => ApplyWithSchema(record, Requirements.RequireStruct(value, Purpose)),
        var value => ApplySchemaless(record, Requirements.RequireMap(value, Purpose)),
    };

    private ConnectRecord ApplySchemaless(ConnectRecord record, IDictionary<string, object?> value)
    {
        var updated = new Dictionary<string, object?>(value);
        foreach (var insertion in _insertions)
        {
            if (TryInsertedValue(insertion.Kind, record, schemaless: true, out var inserted))
            {
                updated[insertion.Spec.Name] = inserted;
            }
        }

        return NewRecord(record, null, updated);
    }

    private ConnectRecord ApplyWithSchema(ConnectRecord record, Struct value)
    {
        var plan = _plans.GetOrAdd(value.Schema, this, static (s, self) => self.MakePlan(s));
        var updated = new Struct(plan.Schema);
        var copied = value.Schema.Fields;
        for (var i = 0; i < copied.Count; i++)
        {
            updated.Put(plan.Copied[i], SchemaUtil.FieldValue(value, copied[i], _replaceNullWithDefault));
        }

        for (var i = 0; i < _insertions.Length; i++)
        {
            if (TryInsertedValue(_insertions[i].Kind, record, schemaless: false, out var inserted))
            {
                updated.Put(plan.Inserted[i], inserted);
            }
        }

        return NewRecord(record, plan.Schema, updated);
    }

    // Kafka skips a partition or timestamp the record does not have, and puts the timestamp as epoch millis when
    // schemaless but as a Timestamp in a struct.
    private bool TryInsertedValue(Kind kind, ConnectRecord record, bool schemaless, out object? value)
    {
        switch (kind)
        {
            case Kind.Topic:
                value = record.Topic;
                return true;
            case Kind.Partition:
                value = record.KafkaPartition;
                return value is not null;
            case Kind.Offset:
                value = Requirements.RequireSinkRecord(record, Purpose).KafkaOffset;
                return true;
            case Kind.Timestamp when record.Timestamp is { } timestamp:
                value = schemaless ? timestamp.ToUnixTimeMilliseconds() : timestamp.UtcDateTime;
                return true;
            case Kind.Static:
                value = _staticValue;
                return value is not null;
            default:
                value = null;
                return false;
        }
    }

    private Plan MakePlan(Schema schema)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        foreach (var field in schema.Fields)
        {
            builder.Field(field.Name, field.Schema);
        }

        foreach (var (spec, kind) in _insertions)
        {
            builder.Field(spec.Name, kind switch
            {
                Kind.Topic => spec.Optional ? Schema.OptionalStringSchema : Schema.StringSchema,
                Kind.Partition => spec.Optional ? Schema.OptionalInt32Schema : Schema.Int32Schema,
                Kind.Offset => spec.Optional ? Schema.OptionalInt64Schema : Schema.Int64Schema,
                Kind.Timestamp => spec.Optional ? OptionalTimestamp : RequiredTimestamp,
                _ => spec.Optional ? Schema.OptionalStringSchema : Schema.StringSchema,
            });
        }

        var updated = builder.Build();
        return new Plan(updated, [.. schema.Fields.Select(f => updated.Field(f.Name)!)], [.. _insertions.Select(i => updated.Field(i.Spec.Name)!)]);
    }

    // The insertions in Kafka's order, which is the order of the new fields.
    private enum Kind
    {
        Topic,
        Partition,
        Offset,
        Timestamp,
        Static,
    }

    /// <summary>The new schema for one input schema, and where each copied and inserted value goes in it.</summary>
    private sealed record Plan(Schema Schema, Field[] Copied, Field[] Inserted);

    private sealed record Spec(string Name, bool Optional)
    {
        public static Spec? Parse(string? text) => text switch
        {
            null => null,
            _ when text.EndsWith('?') => new Spec(text[..^1], true),
            _ when text.EndsWith('!') => new Spec(text[..^1], false),
            _ => new Spec(text, true),
        };
    }
}

/// <summary><c>org.apache.kafka.connect.transforms.InsertField$Key</c>: inserts fields into the record key.</summary>
public sealed class InsertFieldKey : InsertField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("InsertField$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.InsertField$Value</c>: inserts fields into the record value.</summary>
public sealed class InsertFieldValue : InsertField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("InsertField$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
