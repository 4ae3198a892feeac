using System.Globalization;
using System.Numerics;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Kafka's MaskField: replaces the listed fields with their type's "null" (0, false, empty string, empty list or
/// map, the epoch), or with <c>replacement</c> converted to the field's type (numbers and strings only). The schema
/// is unchanged; null fields stay null. A tombstone passes unchanged (Kafka's fails on it: a record with nothing to
/// mask is no error).
/// </summary>
public abstract class MaskField : KeyOrValueTransformation
{
    private const string Purpose = "mask fields";

    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("fields", ConfigType.List, Importance.High, "Names of fields to mask.", TransformConfig.NonEmptyList())
        .Define("replacement", ConfigType.String, null, Importance.Low,
            "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
            ConfigValidators.NonEmptyString())
        .DefineReplaceNullWithDefault();

    private HashSet<string> _fields = [];
    private string? _replacement;
    private bool _replaceNullWithDefault;

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _fields = [.. config.GetList("fields")];
        _replacement = config.GetString("replacement");
        _replaceNullWithDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        if (OperatingValue(record) is null)
        {
            return record;
        }

        if (OperatingSchema(record) is null)
        {
            var map = Requirements.RequireMap(OperatingValue(record), Purpose);
            var updatedMap = new Dictionary<string, object?>(map);
            foreach (var field in _fields)
            {
                updatedMap[field] = Masked(map.TryGetValue(field, out var v) ? v : null);
            }

            return NewRecord(record, null, updatedMap);
        }

        var value = Requirements.RequireStruct(OperatingValue(record), Purpose);
        var updated = new Struct(value.Schema);
        foreach (var field in value.Schema.Fields)
        {
            var original = SchemaUtil.FieldValue(value, field, _replaceNullWithDefault);
            updated.Put(field, _fields.Contains(field.Name) ? Masked(original) : original);
        }

        return NewRecord(record, value.Schema, updated);
    }

    private object? Masked(object? value) => value switch
    {
        null => null,
        _ when _replacement is not null => WithReplacement(value, _replacement),
        _ => NullEquivalent(value),
    };

    private static object NullEquivalent(object value) => value switch
    {
        bool => false,
        sbyte => (sbyte)0,
        short => (short)0,
        int => 0,
        long => 0L,
        float => 0f,
        double => 0d,
        decimal => 0m,
        BigInteger => BigInteger.Zero,
        string => string.Empty,
        DateTime => DateTime.UnixEpoch,
        DateTimeOffset => DateTimeOffset.UnixEpoch,
        DateOnly => DateOnly.FromDateTime(DateTime.UnixEpoch),
        TimeOnly => TimeOnly.MinValue,
        IDictionary<string, object?> => new Dictionary<string, object?>(),
        System.Collections.IDictionary => new Dictionary<object, object?>(),
        System.Collections.IList => new List<object?>(),
        _ => throw new DataException($"Cannot mask value of type: {value.GetType().FullName}"),
    };

    private static object WithReplacement(object value, string replacement)
    {
        var c = CultureInfo.InvariantCulture;
        try
        {
            return value switch
            {
                string => replacement,
                sbyte => sbyte.Parse(replacement, c),
                short => short.Parse(replacement, c),
                int => int.Parse(replacement, c),
                long => long.Parse(replacement, c),
                float => float.Parse(replacement, c),
                double => double.Parse(replacement, c),
                decimal => decimal.Parse(replacement, NumberStyles.Float, c),
                BigInteger => BigInteger.Parse(replacement, c),
                _ => throw new DataException($"Cannot mask value of type {value.GetType().FullName} with custom replacement."),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new DataException($"Unable to convert {replacement} ({typeof(string).FullName}) to number", e);
        }
    }
}

/// <summary><c>org.apache.kafka.connect.transforms.MaskField$Key</c>: masks key fields.</summary>
public sealed class MaskFieldKey : MaskField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("MaskField$Key");

    /// <inheritdoc />
    protected override bool OperatesOnKey => true;
}

/// <summary><c>org.apache.kafka.connect.transforms.MaskField$Value</c>: masks value fields.</summary>
public sealed class MaskFieldValue : MaskField
{
    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("MaskField$Value");

    /// <inheritdoc />
    protected override bool OperatesOnKey => false;
}
