using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Transforms.Support;

/// <summary>The <c>unix.precision</c> values.</summary>
internal static class UnixPrecision
{
    public const string Seconds = "seconds";
    public const string Milliseconds = "milliseconds";
    public const string Microseconds = "microseconds";
    public const string Nanoseconds = "nanoseconds";
}

/// <summary>
/// TimestampConverter's five representations of an instant and the conversions between them, all through a UTC
/// DateTime (Java's java.util.Date): <paramref name="Target"/> is what values become.
/// </summary>
internal sealed record TimestampKinds(string Target, JavaDateFormat? Format, string Precision)
{
    public const string String = "string";
    public const string Unix = "unix";
    public const string Date = "Date";
    public const string Time = "Time";
    public const string Timestamp = "Timestamp";

    private static readonly Schema OptionalDate = LogicalTypes.Date().Optional().Build();
    private static readonly Schema RequiredDate = LogicalTypes.Date().Build();
    private static readonly Schema OptionalTime = LogicalTypes.Time().Optional().Build();
    private static readonly Schema RequiredTime = LogicalTypes.Time().Build();
    private static readonly Schema OptionalTimestamp = LogicalTypes.Timestamp().Optional().Build();
    private static readonly Schema RequiredTimestamp = LogicalTypes.Timestamp().Build();

    /// <summary>The kind a schema stands for: a logical name, else a string is formatted text and an int64 unix time.</summary>
    public static string KindOf(Schema schema) => schema.Name switch
    {
        LogicalTypes.TimestampName => Timestamp,
        LogicalTypes.DateName => Date,
        LogicalTypes.TimeName => Time,
        _ when schema.Type == SchemaType.String => String,
        _ when schema.Type == SchemaType.Int64 => Unix,
        _ => throw new ConnectException($"Schema {schema} does not correspond to a known timestamp type format"),
    };

    /// <summary>The schema of converted values.</summary>
    public Schema TargetSchema(bool optional) => Target switch
    {
        String => optional ? Schema.OptionalStringSchema : Schema.StringSchema,
        Unix => optional ? Schema.OptionalInt64Schema : Schema.Int64Schema,
        Date => optional ? OptionalDate : RequiredDate,
        Time => optional ? OptionalTime : RequiredTime,
        _ => optional ? OptionalTimestamp : RequiredTimestamp,
    };

    /// <summary>Converts a value of kind <paramref name="kind"/> (inferred from its type when null) to the target kind.</summary>
    public object? Convert(object? value, string? kind) =>
        value is null ? null : FromRaw(ToRaw(value, kind ?? Infer(value)));

    private static string Infer(object value) => value switch
    {
        _ when Instants.IsInstant(value) => Timestamp,
        long => Unix,
        string => String,
        _ => throw new DataException($"TimestampConverter does not support {value.GetType().FullName} objects as timestamps"),
    };

    private DateTime ToRaw(object value, string kind)
    {
        switch (kind)
        {
            case String:
                if (value is not string text)
                {
                    throw new DataException($"Expected string timestamp to be a String, but found {value.GetType().FullName}");
                }

                var format = Format ?? throw new DataException("TimestampConverter requires format option to be specified when using string timestamps");
                try
                {
                    return format.Parse(text);
                }
                catch (FormatException e)
                {
                    throw new DataException($"Could not parse timestamp: value ({text}) does not match pattern ({format.Pattern})", e);
                }

            case Unix:
                if (value is not long unix)
                {
                    throw new DataException($"Expected Unix timestamp to be a Long, but found {value.GetType().FullName}");
                }

                return LogicalTypes.TimestampFromMillis(Precision switch
                {
                    UnixPrecision.Seconds => unix * 1000,
                    UnixPrecision.Microseconds => unix / 1000,
                    UnixPrecision.Nanoseconds => unix / 1_000_000,
                    _ => unix,
                });

            default:
                return Instants.IsInstant(value)
                    ? Instants.ToUtc(value)
                    : throw new DataException($"Expected {kind} to be a date or time value (DateTime), but found {value.GetType().FullName}");
        }
    }

    private object FromRaw(DateTime raw)
    {
        switch (Target)
        {
            case String:
                return Format!.Format(raw);
            case Unix:
                var millis = LogicalTypes.TimestampToMillis(raw);
                return Precision switch
                {
                    UnixPrecision.Seconds => millis / 1000,
                    UnixPrecision.Microseconds => millis * 1000,
                    UnixPrecision.Nanoseconds => millis * 1_000_000,
                    _ => millis,
                };
            case Date:
                return DateTime.SpecifyKind(raw.Date, DateTimeKind.Utc);
            case Time:
                return DateTime.UnixEpoch.Add(raw.TimeOfDay);
            default:
                return raw;
        }
    }
}
