using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's ExtractField: replaces the key or value with one of its fields (a Struct's, or a map's when schemaless);
/// with <c>field.syntax.version=V2</c> the field may be a nested path such as <c>address.city</c>. Nulls pass through.
/// </summary>
public abstract class ExtractField : KeyOrValueTransformation
{
    private const string Purpose = "field extraction";

    private static readonly ConfigDef Definition = FieldPath.DefineSyntaxVersion(new ConfigDef()
        .DefineRequired("field", ConfigType.String, Importance.Medium, "Field name to extract.")
        .DefineReplaceNullWithDefault());

    private FieldPath _path = new(string.Empty, FieldSyntaxVersion.V1);
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _path = new FieldPath(config.GetString("field")!, FieldPath.SyntaxVersion(config));
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        if (OperatingSchema(record) is not { } schema)
        {
            var map = Requirements.RequireMapOrNull(OperatingValue(record), Purpose);
            return NewRecord(record, null, map is null ? null : _path.ValueFrom(map));
        }

        var value = Requirements.RequireStructOrNull(OperatingValue(record), Purpose);
        var field = _path.FieldFrom(schema) ?? throw new DataException($"Unknown field: {_path.Text}");
        return NewRecord(record, field.Schema, value is null ? null : _path.ValueFrom(value, _replaceNullWithDefault));
    }
}

/// <summary><c>org.apache.kafka.connect.transforms.ExtractField$Key</c>: the key becomes one of its fields.</summary>
public sealed class ExtractFieldKey : ExtractField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("ExtractField$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.ExtractField$Value</c>: the value becomes one of its fields.</summary>
public sealed class ExtractFieldValue : ExtractField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("ExtractField$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
