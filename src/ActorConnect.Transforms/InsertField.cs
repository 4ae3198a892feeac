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

    private readonly SchemaCache _schemas = new();
    private Spec? _topic;
    private Spec? _partition;
    private Spec? _offset;
    private Spec? _timestamp;
    private Spec? _static;
    private string? _staticValue;
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _topic = Spec.Parse(config.GetString("topic.field"));
        _partition = Spec.Parse(config.GetString("partition.field"));
        _offset = Spec.Parse(config.GetString("offset.field"));
        _timestamp = Spec.Parse(config.GetString("timestamp.field"));
        _static = Spec.Parse(config.GetString("static.field"));
        _staticValue = config.GetString("static.value");
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
        if (_topic is null && _partition is null && _offset is null && _timestamp is null && _static is null)
        {
            throw new ConfigException("No field insertion configured: set at least one of topic.field, partition.field, offset.field, timestamp.field, static.field");
        }

        if (_static is not null && _staticValue is null)
        {
            throw new ConfigException("static.value", null, $"No value specified for static field: {_static.Name}");
        }
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record) => OperatingValue(record) switch
    {
        null => record,
        var value when OperatingSchema(record) is { } schema => ApplyWithSchema(record, schema, Requirements.RequireStruct(value, Purpose)),
        var value => ApplySchemaless(record, Requirements.RequireMap(value, Purpose)),
    };

    private ConnectRecord ApplySchemaless(ConnectRecord record, IDictionary<string, object?> value)
    {
        var updated = new Dictionary<string, object?>(value);
        foreach (var (name, inserted) in Insertions(record, schemaless: true))
        {
            updated[name] = inserted;
        }

        return NewRecord(record, null, updated);
    }

    private ConnectRecord ApplyWithSchema(ConnectRecord record, Schema schema, Struct value)
    {
        var updatedSchema = _schemas.GetOrAdd(value.Schema, MakeUpdatedSchema);
        var updated = new Struct(updatedSchema);
        foreach (var field in value.Schema.Fields)
        {
            updated.Put(field.Name, SchemaUtil.FieldValue(value, field, _replaceNullWithDefault));
        }

        foreach (var (name, inserted) in Insertions(record, schemaless: false))
        {
            updated.Put(name, inserted);
        }

        return NewRecord(record, updatedSchema, updated);
    }

    // Kafka skips a partition or timestamp the record does not have, and puts the timestamp as epoch millis when
    // schemaless but as a Timestamp in a struct.
    private IEnumerable<(string Name, object? Value)> Insertions(ConnectRecord record, bool schemaless)
    {
        if (_topic is not null)
        {
            yield return (_topic.Name, record.Topic);
        }

        if (_partition is not null && record.KafkaPartition is { } partition)
        {
            yield return (_partition.Name, partition);
        }

        if (_offset is not null)
        {
            yield return (_offset.Name, Requirements.RequireSinkRecord(record, Purpose).KafkaOffset);
        }

        if (_timestamp is not null && record.Timestamp is { } timestamp)
        {
            yield return (_timestamp.Name, schemaless ? timestamp.ToUnixTimeMilliseconds() : timestamp.UtcDateTime);
        }

        if (_static is not null && _staticValue is not null)
        {
            yield return (_static.Name, _staticValue);
        }
    }

    private Schema MakeUpdatedSchema(Schema schema)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        foreach (var field in schema.Fields)
        {
            builder.Field(field.Name, field.Schema);
        }

        Add(builder, _topic, Schema.OptionalStringSchema, Schema.StringSchema);
        Add(builder, _partition, Schema.OptionalInt32Schema, Schema.Int32Schema);
        Add(builder, _offset, Schema.OptionalInt64Schema, Schema.Int64Schema);
        Add(builder, _timestamp, OptionalTimestamp, RequiredTimestamp);
        Add(builder, _static, Schema.OptionalStringSchema, Schema.StringSchema);
        return builder.Build();
    }

    private static void Add(SchemaBuilder builder, Spec? spec, Schema optional, Schema required)
    {
        if (spec is not null)
        {
            builder.Field(spec.Name, spec.Optional ? optional : required);
        }
    }

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
