using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's HeaderFrom: copies (<c>operation=copy</c>) or moves (<c>move</c>, removed from the key or value) the
/// listed <c>fields</c> into headers named by the matching entries of <c>headers</c>, with the fields' schemas.
/// </summary>
public abstract class HeaderFrom : KeyOrValueTransformation
{
    private const string Move = "move";
    private const string Copy = "copy";

    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("fields", ConfigType.List, Importance.High, "Field names in the record whose values are to be copied or moved to headers.", TransformConfig.NonEmptyList())
        .DefineRequired("headers", ConfigType.List, Importance.High, "Header names, in the same order as the field names listed in the fields configuration property.", TransformConfig.NonEmptyList())
        .DefineRequired("operation", ConfigType.String, Importance.High,
            "Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).",
            ConfigValidators.ValidString(Move, Copy))
        .DefineReplaceNullWithDefault();

    private readonly SchemaCache _moveSchemas = new();
    private IReadOnlyList<string> _fields = [];
    private IReadOnlyList<string> _headers = [];
    private string _operation = Copy;
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _fields = config.GetList("fields");
        _headers = config.GetList("headers");
        if (_fields.Count != _headers.Count)
        {
            throw new ConfigException("'fields' config must have the same number of elements as 'headers' config.");
        }

        _operation = TransformConfig.Canonical("operation", config.GetString("operation")!, Move, Copy);
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var purpose = "header " + _operation;
        var headers = record.Headers;
        if (OperatingSchema(record) is not { } schema)
        {
            var map = Requirements.RequireMap(OperatingValue(record), purpose);
            var updatedMap = new Dictionary<string, object?>(map);
            for (var i = 0; i < _fields.Count; i++)
            {
                headers = headers.Add(new Header(_headers[i], null, map.TryGetValue(_fields[i], out var v) ? v : null));
                if (_operation == Move)
                {
                    updatedMap.Remove(_fields[i]);
                }
            }

            return NewRecord(record, null, updatedMap) with { Headers = headers };
        }

        var value = Requirements.RequireStruct(OperatingValue(record), purpose);
        for (var i = 0; i < _fields.Count; i++)
        {
            var field = schema.Field(_fields[i]) ?? throw new DataException($"Field does not exist: {_fields[i]}");
            headers = headers.Add(new Header(_headers[i], field.Schema, SchemaUtil.FieldValue(value, field, _replaceNullWithDefault)));
        }

        if (_operation == Copy)
        {
            return NewRecord(record, schema, value) with { Headers = headers };
        }

        var movedSchema = _moveSchemas.GetOrAdd(schema, WithoutFields);
        var moved = new Struct(movedSchema);
        foreach (var field in movedSchema.Fields)
        {
            moved.Put(field, SchemaUtil.FieldValue(value, schema.Field(field.Name)!, _replaceNullWithDefault));
        }

        return NewRecord(record, movedSchema, moved) with { Headers = headers };
    }

    private Schema WithoutFields(Schema schema)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        foreach (var field in schema.Fields.Where(f => !_fields.Contains(f.Name)))
        {
            builder.Field(field.Name, field.Schema);
        }

        return builder.Build();
    }
}

/// <summary><c>org.apache.kafka.connect.transforms.HeaderFrom$Key</c>: headers from key fields.</summary>
public sealed class HeaderFromKey : HeaderFrom
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("HeaderFrom$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.HeaderFrom$Value</c>: headers from value fields.</summary>
public sealed class HeaderFromValue : HeaderFrom
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("HeaderFrom$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
