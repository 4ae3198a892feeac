using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's Cast: casts fields (<c>spec=f1:int32,f2:string</c>) or the whole key or value (<c>spec=string</c>) to a
/// primitive type. Integers, floats, booleans and strings cast to any of them; bytes only to a base64 string;
/// Date/Time/Timestamp to numbers as their epoch form, to strings as ISO text.
/// </summary>
public abstract class Cast : KeyOrValueTransformation
{
    private const string Purpose = "cast types";

    private static readonly SchemaType[] InputTypes =
        [SchemaType.Int8, SchemaType.Int16, SchemaType.Int32, SchemaType.Int64, SchemaType.Float32, SchemaType.Float64, SchemaType.Boolean, SchemaType.String, SchemaType.Bytes];

    private static readonly SchemaType[] OutputTypes = InputTypes[..^1];

    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("spec", ConfigType.List, Importance.High,
            "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. "
            + "Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.",
            TransformConfig.Parses((key, spec) => ParseSpec(key, spec), "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>"))
        .DefineReplaceNullWithDefault();

    private readonly SchemaCache _schemas = new();
    private Dictionary<string, SchemaType> _casts = [];
    private SchemaType? _wholeValue;
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        (_casts, _wholeValue) = ParseSpec("spec", config.GetList("spec"));
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var value = OperatingValue(record);
        if (value is null)
        {
            return record;
        }

        var schema = OperatingSchema(record);
        if (_wholeValue is { } target)
        {
            return NewRecord(record, schema is null ? null : _schemas.GetOrAdd(schema, BuildSchema), CastTo(schema, value, target));
        }

        return schema is null ? CastMap(record, Requirements.RequireMap(value, Purpose)) : CastStruct(record, schema, Requirements.RequireStruct(value, Purpose));
    }

    private ConnectRecord CastMap(ConnectRecord record, IDictionary<string, object?> value)
    {
        var updated = new Dictionary<string, object?>(value);
        foreach (var (field, type) in _casts)
        {
            updated[field] = CastTo(null, value.TryGetValue(field, out var v) ? v : null, type);
        }

        return NewRecord(record, null, updated);
    }

    private ConnectRecord CastStruct(ConnectRecord record, Schema schema, Struct value)
    {
        var updatedSchema = _schemas.GetOrAdd(schema, BuildSchema);
        var updated = new Struct(updatedSchema);
        foreach (var field in value.Schema.Fields)
        {
            var original = SchemaUtil.FieldValue(value, field, _replaceNullWithDefault);
            updated.Put(updatedSchema.Field(field.Name)!, _casts.TryGetValue(field.Name, out var type) ? CastTo(field.Schema, original, type) : original);
        }

        return NewRecord(record, updatedSchema, updated);
    }

    private Schema BuildSchema(Schema schema)
    {
        SchemaBuilder builder;
        if (_wholeValue is { } target)
        {
            // Kafka keeps the name of the schema cast; a logical type's name no longer fits the new physical type.
            builder = IsLogical(schema) ? SchemaBuilder.Type(target) : SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Type(target));
            if (schema.DefaultValue is { } defaultValue)
            {
                builder.DefaultValue(CastTo(schema, defaultValue, target));
            }
        }
        else
        {
            builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
            foreach (var field in schema.Fields)
            {
                builder.Field(field.Name, _casts.TryGetValue(field.Name, out var type) ? CastFieldSchema(field.Schema, type) : field.Schema);
            }
        }

        if (schema.IsOptional)
        {
            builder.Optional();
        }

        return builder.Build();
    }

    private static Schema CastFieldSchema(Schema schema, SchemaType type)
    {
        var builder = SchemaBuilder.Type(type);
        if (schema.IsOptional)
        {
            builder.Optional();
        }

        if (schema.DefaultValue is { } defaultValue)
        {
            builder.DefaultValue(CastTo(schema, defaultValue, type));
        }

        return builder.Build();
    }

    private static bool IsLogical(Schema schema) =>
        LogicalTypes.IsDate(schema) || LogicalTypes.IsTime(schema) || LogicalTypes.IsTimestamp(schema) || LogicalTypes.IsDecimal(schema);

    private static object? CastTo(Schema? schema, object? value, SchemaType target)
    {
        if (value is null)
        {
            return null;
        }

        var inferred = schema?.Type ?? ConnectTypes.Infer(value)
            ?? throw new DataException($"Cast transformation was passed a value of type {value.GetType().FullName} which is not supported by Connect's data API");
        if (!InputTypes.Contains(inferred))
        {
            throw new DataException($"Cast transformation does not support casting from {Upper(inferred)}; supported types are {Names(InputTypes)}");
        }

        if (schema?.Name is not null && target != SchemaType.String)
        {
            value = Instants.Encode(schema, value);
        }

        return CastConversions.To(target, value);
    }

    internal static (Dictionary<string, SchemaType> Casts, SchemaType? WholeValue) ParseSpec(string key, IReadOnlyList<string> spec)
    {
        if (spec.Count == 0)
        {
            throw new ConfigException(key, "[]", "Must specify at least one field to cast.");
        }

        var casts = new Dictionary<string, SchemaType>();
        SchemaType? wholeValue = null;
        foreach (var mapping in spec)
        {
            var parts = mapping.Split(':');
            if (parts.Length > 2)
            {
                throw new ConfigException(key, Shown(spec), $"Invalid cast mapping: {mapping}");
            }

            var type = OutputType(key, spec, parts[^1].Trim());
            if (parts.Length == 1)
            {
                wholeValue = type;
            }
            else
            {
                casts[parts[0].Trim()] = type;
            }
        }

        if (wholeValue is not null && spec.Count > 1)
        {
            throw new ConfigException(key, Shown(spec), "Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec");
        }

        return (casts, wholeValue);
    }

    private static SchemaType OutputType(string key, IReadOnlyList<string> spec, string name)
    {
        if (name.Length == 0 || !name.All(char.IsAsciiLetterOrDigit) || char.IsAsciiDigit(name[0]) || !Enum.TryParse<SchemaType>(name, ignoreCase: true, out var type))
        {
            throw new ConfigException(key, Shown(spec), $"Invalid type found in casting spec: {name}");
        }

        return OutputTypes.Contains(type)
            ? type
            : throw new ConfigException(key, Shown(spec), $"Cast transformation does not support casting to {Upper(type)}; supported types are {Names(OutputTypes)}");
    }

    private static string Shown(IReadOnlyList<string> spec) => "[" + string.Join(", ", spec) + "]";

    private static string Upper(SchemaType type) => type.ToString().ToUpperInvariant();

    private static string Names(IEnumerable<SchemaType> types) => "[" + string.Join(", ", types.Select(Upper)) + "]";
}

/// <summary><c>org.apache.kafka.connect.transforms.Cast$Key</c>: casts the key or its fields.</summary>
public sealed class CastKey : Cast
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("Cast$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.Cast$Value</c>: casts the value or its fields.</summary>
public sealed class CastValue : Cast
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("Cast$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
