using ActorConnect.Api.Data;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// The .NET shapes of Kafka Connect's Date, Time and Timestamp values (DateTime in UTC, DateTimeOffset, DateOnly,
/// TimeOnly) brought to one: a UTC DateTime, as Java has java.util.Date for all three.
/// </summary>
internal static class Instants
{
    public static bool IsInstant(object? value) => value is DateTime or DateTimeOffset or DateOnly or TimeOnly;

    public static DateTime ToUtc(object value) => value switch
    {
        DateTime d => d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        TimeOnly t => DateTime.UnixEpoch.Add(t.ToTimeSpan()),
        _ => throw new ArgumentException($"{value.GetType().FullName} is not a date or time", nameof(value)),
    };

    /// <summary>A logical value in its physical form (days, millis of the day, epoch millis); other values unchanged.</summary>
    public static object Encode(Schema schema, object value) => !IsInstant(value) ? value : schema.Name switch
    {
        LogicalTypes.DateName => (int)Math.Floor((ToUtc(value) - DateTime.UnixEpoch).TotalDays),
        LogicalTypes.TimeName => (int)(ToUtc(value).TimeOfDay.Ticks / TimeSpan.TicksPerMillisecond),
        LogicalTypes.TimestampName => LogicalTypes.TimestampToMillis(ToUtc(value)),
        _ => value,
    };
}
