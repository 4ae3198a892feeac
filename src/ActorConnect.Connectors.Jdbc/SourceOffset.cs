using System.Globalization;

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

    public IReadOnlyDictionary<string, object?> ToMap()
    {
        var map = new Dictionary<string, object?>(3);
        if (Incrementing is { } inc)
        {
            map[IncrementingField] = inc;
        }

        if (Timestamp is { } ts)
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
