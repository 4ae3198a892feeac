using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's SetSchemaMetadata: sets the name and/or version of the key's or value's schema; a Struct is re-made on the
/// renamed schema. Needs a schema (a record with neither schema nor value passes through).
/// </summary>
public abstract class SetSchemaMetadata : KeyOrValueTransformation
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .Define("schema.name", ConfigType.String, null, Importance.High, "Schema name to set.")
        .Define("schema.version", ConfigType.Int, null, Importance.High, "Schema version to set.")
        .DefineReplaceNullWithDefault();

    private readonly SchemaCache _schemas = new();
    private string? _name;
    private int? _version;
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _name = config.GetString("schema.name");
        _version = config.Get("schema.version") as int?;
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
        if (_name is null && _version is null)
        {
            throw new ConfigException("Neither schema name nor version configured: set schema.name, schema.version or both");
        }
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var value = OperatingValue(record);
        var schema = OperatingSchema(record);
        if (value is null && schema is null)
        {
            return record;
        }

        var updatedSchema = _schemas.GetOrAdd(Requirements.RequireSchema(schema, "updating schema metadata"), s => SchemaUtil.WithMetadata(s, _name, _version));
        return NewRecord(record, updatedSchema, value is Struct s ? Rebuilt(s, updatedSchema) : value);
    }

    private Struct Rebuilt(Struct original, Schema updatedSchema)
    {
        var updated = new Struct(updatedSchema);
        foreach (var field in updatedSchema.Fields)
        {
            updated.Put(field, SchemaUtil.FieldValue(original, field, _replaceNullWithDefault));
        }

        return updated;
    }
}

/// <summary><c>org.apache.kafka.connect.transforms.SetSchemaMetadata$Key</c>: renames the key schema.</summary>
public sealed class SetSchemaMetadataKey : SetSchemaMetadata
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("SetSchemaMetadata$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.SetSchemaMetadata$Value</c>: renames the value schema.</summary>
public sealed class SetSchemaMetadataValue : SetSchemaMetadata
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("SetSchemaMetadata$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
