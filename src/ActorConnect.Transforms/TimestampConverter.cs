using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's TimestampConverter: converts a field (<c>field</c>) or the whole key or value between <c>string</c> (in
/// <c>format</c>, a SimpleDateFormat pattern, UTC), <c>unix</c> (epoch in <c>unix.precision</c>), and Connect's
/// <c>Date</c>, <c>Time</c> and <c>Timestamp</c>. The input's kind comes from its schema, or from its .NET type when
/// schemaless (a date/time value is a Timestamp, a long is unix, a string is in <c>format</c>).
/// </summary>
public abstract class TimestampConverter : KeyOrValueTransformation
{
    private const string Purpose = "converting timestamp formats";

    private static readonly ConfigDef Definition = new ConfigDef()
        .Define("field", ConfigType.String, "", Importance.High, "The field containing the timestamp, or empty if the entire value is a timestamp")
        .DefineRequired("target.type", ConfigType.String, Importance.High, "The desired timestamp representation: string, unix, Date, Time, or Timestamp",
            ConfigValidators.ValidString(TimestampKinds.String, TimestampKinds.Unix, TimestampKinds.Date, TimestampKinds.Time, TimestampKinds.Timestamp))
        .Define("format", ConfigType.String, "", Importance.Medium,
            "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.",
            ConfigValidators.Lambda(v => v is string { Length: > 0 } s ? TimestampRouter.DateFormatProblem(s) : null, "a java.text.SimpleDateFormat pattern"))
        .Define("unix.precision", ConfigType.String, UnixPrecision.Milliseconds, Importance.Low,
            "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long."
            + "Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.",
            ConfigValidators.ValidString(UnixPrecision.Nanoseconds, UnixPrecision.Microseconds, UnixPrecision.Milliseconds, UnixPrecision.Seconds))
        .DefineReplaceNullWithDefault();

    private readonly SchemaCache _schemas = new();
    private string _field = string.Empty;
    private TimestampKinds _kinds = new(TimestampKinds.Timestamp, null, UnixPrecision.Milliseconds);
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _field = config.GetString("field") ?? string.Empty;
        var target = TransformConfig.Canonical("target.type", config.GetString("target.type")!,
            TimestampKinds.String, TimestampKinds.Unix, TimestampKinds.Date, TimestampKinds.Time, TimestampKinds.Timestamp);
        var pattern = config.GetString("format");
        if (target == TimestampKinds.String && string.IsNullOrWhiteSpace(pattern))
        {
            throw new ConfigException("TimestampConverter requires format option to be specified when using string timestamps");
        }

        JavaDateFormat? format = null;
        if (!string.IsNullOrWhiteSpace(pattern))
        {
            try
            {
                format = JavaDateFormat.Create(pattern);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException($"TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: {pattern} ({e.Message})");
            }
        }

        var precision = TransformConfig.Canonical("unix.precision", config.GetString("unix.precision")!,
            UnixPrecision.Nanoseconds, UnixPrecision.Microseconds, UnixPrecision.Milliseconds, UnixPrecision.Seconds);
        _kinds = new TimestampKinds(target, format, precision);
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var value = OperatingValue(record);
        if (OperatingSchema(record) is { } schema)
        {
            return _field.Length == 0
                ? NewRecord(record, _kinds.TargetSchema(schema.IsOptional), _kinds.Convert(value, TimestampKinds.KindOf(schema)))
                : ApplyToField(record, schema, Requirements.RequireStructOrNull(value, Purpose));
        }

        if (value is null || _field.Length == 0)
        {
            return NewRecord(record, null, _kinds.Convert(value, null));
        }

        var updated = new Dictionary<string, object?>(Requirements.RequireMap(value, Purpose));
        updated[_field] = _kinds.Convert(updated.GetValueOrDefault(_field), null);
        return NewRecord(record, null, updated);
    }

    private ConnectRecord ApplyToField(ConnectRecord record, Schema schema, Struct? value)
    {
        var updatedSchema = _schemas.GetOrAdd(schema, BuildSchema);
        return NewRecord(record, updatedSchema, ConvertStruct(value, updatedSchema));
    }

    private Schema BuildSchema(Schema schema)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        foreach (var field in schema.Fields)
        {
            builder.Field(field.Name, field.Name == _field ? _kinds.TargetSchema(field.Schema.IsOptional) : field.Schema);
        }

        if (schema.IsOptional)
        {
            builder.Optional();
        }

        if (schema.DefaultValue is Struct defaultValue)
        {
            // The default must be a struct of the new schema, which is only known once built.
            var withoutDefault = builder.Build();
            builder.DefaultValue(ConvertStruct(defaultValue, withoutDefault));
        }

        return builder.Build();
    }

    private Struct? ConvertStruct(Struct? value, Schema updatedSchema)
    {
        if (value is null)
        {
            return null;
        }

        var updated = new Struct(updatedSchema);
        foreach (var field in value.Schema.Fields)
        {
            var fieldValue = SchemaUtil.FieldValue(value, field, _replaceNullWithDefault);
            updated.Put(field.Name, field.Name == _field ? _kinds.Convert(fieldValue, TimestampKinds.KindOf(field.Schema)) : fieldValue);
        }

        return updated;
    }
}

/// <summary><c>org.apache.kafka.connect.transforms.TimestampConverter$Key</c>: converts the key or one of its fields.</summary>
public sealed class TimestampConverterKey : TimestampConverter
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("TimestampConverter$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.TimestampConverter$Value</c>: converts the value or one of its fields.</summary>
public sealed class TimestampConverterValue : TimestampConverter
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("TimestampConverter$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
