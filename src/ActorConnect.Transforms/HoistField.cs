using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>Kafka's HoistField: wraps the key or value in a Struct (or a map, schemaless) of one field.</summary>
public abstract class HoistField : KeyOrValueTransformation
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("field", ConfigType.String, Importance.Medium, "Field name for the single field that will be created in the resulting Struct or Map.");

    private readonly SchemaCache _schemas = new();
    private string _field = string.Empty;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config) => _field = config.GetString("field")!;

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var value = OperatingValue(record);
        if (OperatingSchema(record) is not { } schema)
        {
            return NewRecord(record, null, new Dictionary<string, object?> { [_field] = value });
        }

        var updatedSchema = _schemas.GetOrAdd(schema, _field, static (s, field) => SchemaBuilder.Struct().Field(field, s).Build());
        return NewRecord(record, updatedSchema, new Struct(updatedSchema).Put(updatedSchema.Fields[0], value));
    }
}

/// <summary><c>org.apache.kafka.connect.transforms.HoistField$Key</c>: wraps the key.</summary>
public sealed class HoistFieldKey : HoistField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("HoistField$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.HoistField$Value</c>: wraps the value.</summary>
public sealed class HoistFieldValue : HoistField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("HoistField$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
