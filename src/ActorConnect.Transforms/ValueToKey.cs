using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// <c>org.apache.kafka.connect.transforms.ValueToKey</c>: replaces the key with a Struct (or a map, schemaless) of the
/// listed value fields.
/// </summary>
public sealed class ValueToKey : Transformation
{
    private const string Purpose = "copying fields from value to key";

    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("fields", ConfigType.List, Importance.High, "Field names on the record value to extract as the record key.", TransformConfig.NonEmptyList())
        .DefineReplaceNullWithDefault();

    private readonly SchemaCache _schemas = new();
    private IReadOnlyList<string> _fields = [];
    private bool _replaceNullWithDefault;

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("ValueToKey");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _fields = config.GetList("fields");
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        if (record.ValueSchema is null)
        {
            var map = Requirements.RequireMap(record.Value, Purpose);
            var key = new Dictionary<string, object?>();
            foreach (var field in _fields)
            {
                key[field] = map.TryGetValue(field, out var v) ? v : null;
            }

            return record with { KeySchema = null, Key = key };
        }

        var value = Requirements.RequireStruct(record.Value, Purpose);
        var keySchema = _schemas.GetOrAdd(value.Schema, BuildKeySchema);
        var structKey = new Struct(keySchema);
        foreach (var field in _fields)
        {
            structKey.Put(field, SchemaUtil.FieldValue(value, value.Schema.Field(field)!, _replaceNullWithDefault));
        }

        return record with { KeySchema = keySchema, Key = structKey };
    }

    private Schema BuildKeySchema(Schema valueSchema)
    {
        var builder = SchemaBuilder.Struct();
        foreach (var field in _fields)
        {
            var source = valueSchema.Field(field) ?? throw new DataException($"Field does not exist: {field}");
            builder.Field(field, source.Schema);
        }

        return builder.Build();
    }
}
