using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's Flatten: nested Structs (or maps, schemaless) become top-level fields named by joining the names on the
/// way with <c>delimiter</c> (<c>.</c>). Arrays are left as they are. A field under an optional parent becomes
/// optional, and takes its default from the parent's default when it has none of its own.
/// </summary>
public abstract class Flatten : KeyOrValueTransformation
{
    private const string Purpose = "flattening";

    private static readonly ConfigDef Definition = new ConfigDef()
        .Define("delimiter", ConfigType.String, ".", Importance.Medium,
            "Delimiter to insert between field names from the input record when generating field names for the output record");

    private readonly SchemaCache _schemas = new();
    private string _delimiter = ".";

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config) => _delimiter = config.GetString("delimiter")!;

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var value = OperatingValue(record);
        if (value is null)
        {
            return record;
        }

        if (OperatingSchema(record) is not { } schema)
        {
            var flat = new Dictionary<string, object?>();
            FlattenMap(Requirements.RequireMap(value, Purpose), string.Empty, flat);
            return NewRecord(record, null, flat);
        }

        var original = Requirements.RequireStruct(value, Purpose);
        var updatedSchema = _schemas.GetOrAdd(schema, BuildSchema);
        var updated = new Struct(updatedSchema);
        FlattenStruct(original, string.Empty, updated);
        return NewRecord(record, updatedSchema, updated);
    }

    private string Name(string prefix, string field) => prefix.Length == 0 ? field : prefix + _delimiter + field;

    private void FlattenMap(IDictionary<string, object?> map, string prefix, Dictionary<string, object?> flat)
    {
        foreach (var (key, value) in map)
        {
            var name = Name(prefix, key);
            if (value is null)
            {
                flat[name] = null;
                continue;
            }

            var type = ConnectTypes.Infer(value)
                ?? throw new DataException($"Flatten transformation was passed a value of type {value.GetType().FullName} which is not supported by Connect's data API");
            if (ConnectTypes.IsLeaf(type))
            {
                flat[name] = value;
            }
            else if (type == SchemaType.Map)
            {
                FlattenMap(Requirements.RequireMap(value, Purpose), name, flat);
            }
            else
            {
                throw new DataException($"Flatten transformation does not support {value.GetType().FullName} for record without schemas (for field {name}).");
            }
        }
    }

    private Schema BuildSchema(Schema schema)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        AddFields(schema, string.Empty, builder, schema.IsOptional, schema.DefaultValue as Struct);
        return builder.Build();
    }

    private void AddFields(Schema schema, string prefix, SchemaBuilder flat, bool optional, Struct? parentDefault)
    {
        foreach (var field in schema.Fields)
        {
            var name = Name(prefix, field.Name);
            var fieldOptional = optional || field.Schema.IsOptional;
            var fieldDefault = field.Schema.DefaultValue ?? parentDefault?.Get(field);
            switch (field.Schema.Type)
            {
                case SchemaType.Struct:
                    AddFields(field.Schema, name, flat, fieldOptional, fieldDefault as Struct);
                    break;
                case SchemaType.Map:
                    throw Unsupported(field.Schema.Type, name);
                default:
                    var leaf = SchemaUtil.CopySchemaBasics(field.Schema);
                    if (fieldOptional)
                    {
                        leaf.Optional();
                    }

                    if (fieldDefault is not null)
                    {
                        leaf.DefaultValue(fieldDefault);
                    }

                    flat.Field(name, leaf.Build());
                    break;
            }
        }
    }

    private void FlattenStruct(Struct? value, string prefix, Struct flat)
    {
        if (value is null)
        {
            return;
        }

        foreach (var field in value.Schema.Fields)
        {
            var name = Name(prefix, field.Name);
            switch (field.Schema.Type)
            {
                case SchemaType.Struct:
                    FlattenStruct(value.Get(field) as Struct, name, flat);
                    break;
                case SchemaType.Map:
                    throw Unsupported(field.Schema.Type, name);
                default:
                    flat.Put(name, value.Get(field));
                    break;
            }
        }
    }

    private static DataException Unsupported(SchemaType type, string field) =>
        new($"Flatten transformation does not support {type.ToString().ToUpperInvariant()} for record with schemas (for field {field}).");
}

/// <summary><c>org.apache.kafka.connect.transforms.Flatten$Key</c>: flattens the key.</summary>
public sealed class FlattenKey : Flatten
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("Flatten$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.Flatten$Value</c>: flattens the value.</summary>
public sealed class FlattenValue : Flatten
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("Flatten$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
