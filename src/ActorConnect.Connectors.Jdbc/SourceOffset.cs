using System.Globalization;
using System.Text.Json;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Where a table's copy stands, in kafka-connect-jdbc's offset shape: <c>{"incrementing": N}</c> and/or
/// <c>{"timestamp": epoch ms, "timestamp_nanos": nanoseconds within the second}</c>; keys are present only for the
/// columns the mode uses. Partitions: <c>{"protocol": "1", "table": "db.schema.table"}</c> for tables (the older
/// <c>{"table": "table"}</c> is read as a fallback) and <c>{"query": "query"}</c> in query mode.
/// </summary>
internal sealed record SourceOffset(long? Incrementing, DateTime? Timestamp)
{
    public const string IncrementingField = "incrementing";
    public const string TimestampField = "timestamp";
    public const string TimestampNanosField = "timestamp_nanos";
    public const string TableKey = "table";
    public const string ProtocolKey = "protocol";
    public const string ProtocolV1 = "1";
    public const string QueryKey = "query";
    public const string QueryValue = "query";

    public static readonly SourceOffset Empty = new(null, null);

    public static IReadOnlyDictionary<string, object?> TablePartition(TableId table) =>
        new Dictionary<string, object?> { [ProtocolKey] = ProtocolV1, [TableKey] = table.Fqn };

    public static IReadOnlyDictionary<string, object?> LegacyTablePartition(TableId table) =>
        new Dictionary<string, object?> { [TableKey] = table.Name };

    public static IReadOnlyDictionary<string, object?> QueryPartition { get; } = new Dictionary<string, object?> { [QueryKey] = QueryValue };

    public IReadOnlyDictionary<string, object?> ToMap() => ToMap(Incrementing, Timestamp);

    /// <summary>The offset map of a position, built without the record (one per source record, so kept lean).</summary>
    public static IReadOnlyDictionary<string, object?> ToMap(long? incrementing, DateTime? timestamp)
    {
        var map = new Dictionary<string, object?>((incrementing is null ? 0 : 1) + (timestamp is null ? 0 : 2));
        if (incrementing is { } inc)
        {
            map[IncrementingField] = inc;
        }

        if (timestamp is { } ts)
        {
            var ticks = ts.Ticks - DateTime.UnixEpoch.Ticks;
            map[TimestampField] = Math.DivRem(ticks, TimeSpan.TicksPerMillisecond, out var rem) - (rem < 0 ? 1 : 0);
            var withinSecond = ticks % TimeSpan.TicksPerSecond;
            map[TimestampNanosField] = (withinSecond < 0 ? withinSecond + TimeSpan.TicksPerSecond : withinSecond) * 100;
        }

        return map;
    }

    public static SourceOffset FromMap(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null || map.Count == 0)
        {
            return Empty;
        }

        var inc = Long(map, IncrementingField);
        DateTime? ts = null;
        if (Long(map, TimestampField) is { } ms)
        {
            var seconds = Math.DivRem(ms, 1000, out var msRem) - (msRem < 0 ? 1 : 0);
            var nanos = Long(map, TimestampNanosField) ?? (msRem < 0 ? msRem + 1000 : msRem) * 1_000_000;
            ts = new DateTime(DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + nanos / 100, DateTimeKind.Utc);
        }

        return new SourceOffset(inc, ts);
    }

    /// <summary>
    /// Why an offset a user gives for <paramref name="partition"/> could not be read by the task, or null when it can:
    /// the partition names a table or the query, and the offset's fields are the known ones, each a whole number
    /// (<c>timestamp_nanos</c> within a second). Each problem names the partition and the field.
    /// </summary>
    public static string? Problem(IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?> offset)
    {
        var where = "the offset of partition " + JsonSerializer.Serialize(partition);
        if (partition.GetValueOrDefault(TableKey) is not string { Length: > 0 } && partition.GetValueOrDefault(QueryKey) is not string { Length: > 0 })
        {
            return $"Partition {JsonSerializer.Serialize(partition)} names no table: this connector's partitions are {{\"{ProtocolKey}\": \"{ProtocolV1}\", \"{TableKey}\": \"db.schema.table\"}}, " +
                $"or {{\"{QueryKey}\": \"{QueryValue}\"}} in query mode (see GET /connectors/{{name}}/offsets).";
        }

        foreach (var (field, value) in offset)
        {
            if (field is not (IncrementingField or TimestampField or TimestampNanosField))
            {
                return $"In {where}, \"{field}\" is not a field of this connector's offsets: they have \"{IncrementingField}\" (the last incrementing id), " +
                    $"\"{TimestampField}\" (epoch milliseconds) and \"{TimestampNanosField}\" (nanoseconds within that second).";
            }

            var number = value switch
            {
                long l => l,
                int i => i,
                double d when d == Math.Floor(d) && d is >= long.MinValue and <= long.MaxValue => (long)d,
                _ => (long?)null,
            };
            if (number is null)
            {
                return $"In {where}, \"{field}\" is {JsonSerializer.Serialize(value)}: it must be a whole number, for example {{\"{field}\": {(field == TimestampField ? "1700000000000" : "42")}}}.";
            }

            if (field == TimestampNanosField && number is < 0 or >= 1_000_000_000)
            {
                return $"In {where}, \"{field}\" is {number}: it counts the nanoseconds within the second of \"{TimestampField}\", from 0 to 999999999.";
            }
        }

        return null;
    }

    private static long? Long(IReadOnlyDictionary<string, object?> map, string key) => map.TryGetValue(key, out var v) && v is not null
        ? v switch
        {
            long l => l,
            int i => i,
            double d => (long)d,
            decimal m => (long)m,
            System.Text.Json.JsonElement e => e.GetInt64(),
            _ => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        }
        : null;
}
