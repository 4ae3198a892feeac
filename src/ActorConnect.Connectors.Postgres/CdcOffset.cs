using System.Globalization;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// A change's position, stored as Debezium's PostgreSQL connector stores it: partition <c>{"server": topic.prefix}</c>,
/// offset <c>{"lsn", "lsn_proc", "lsn_commit", "txId", "ts_usec"}</c> (LSNs as 64-bit numbers), so Debezium's stored
/// offsets carry over. <see cref="Lsn"/> is the change's own LSN, <see cref="CommitLsn"/> its transaction's commit
/// LSN, <see cref="ProcessedLsn"/> the end of the last transaction completely emitted before it.
/// </summary>
/// <remarks>
/// Records of a snapshot carry Debezium's snapshot markers, <c>"snapshot": true</c> and <c>"last_snapshot_record"</c>:
/// a stored offset of a snapshot that did not reach its last record means the snapshot starts again. While an
/// incremental snapshot runs, every offset carries its progress (<see cref="Incremental"/>: Debezium's
/// <c>incremental_snapshot_*</c> keys), so a restart goes on where it was.
/// </remarks>
internal sealed record CdcOffset(ulong Lsn, ulong ProcessedLsn, ulong CommitLsn, long TxId, long TimestampMicros, bool Snapshot = false, bool LastSnapshotRecord = false,
    IReadOnlyDictionary<string, object?>? Incremental = null)
{
    /// <summary>The prefix of the keys of an incremental snapshot's progress.</summary>
    public const string IncrementalPrefix = "incremental_snapshot";

    public const string SnapshotKey = "snapshot";
    public const string LastSnapshotRecordKey = "last_snapshot_record";

    public const string LsnKey = "lsn";
    public const string ProcessedKey = "lsn_proc";
    public const string CommitKey = "lsn_commit";
    public const string TxIdKey = "txId";
    public const string TimestampKey = "ts_usec";

    /// <summary>The source partition of every record of a connector.</summary>
    public static IReadOnlyDictionary<string, object?> Partition(string prefix) => new Dictionary<string, object?> { ["server"] = prefix };

    /// <summary>True for a record of a snapshot that is not its last: the snapshot is not complete.</summary>
    public bool InSnapshot => Snapshot && !LastSnapshotRecord;

    public IReadOnlyDictionary<string, object?> ToMap()
    {
        // Sized for its keys: a map per record, grown twice otherwise.
        var map = new Dictionary<string, object?>(6 + (Incremental?.Count ?? 0)) { [LsnKey] = (long)Lsn, [TxIdKey] = TxId, [TimestampKey] = TimestampMicros };
        if (Snapshot)
        {
            map[SnapshotKey] = true;
            map[LastSnapshotRecordKey] = LastSnapshotRecord;
            if (ProcessedLsn > 0)
            {
                // A heartbeat after a completed snapshot: where the stream is.
                map[ProcessedKey] = (long)ProcessedLsn;
            }
        }
        else
        {
            map[ProcessedKey] = (long)ProcessedLsn;
            map[CommitKey] = (long)CommitLsn;
        }

        foreach (var (key, value) in Incremental ?? new Dictionary<string, object?>())
        {
            map[key] = value;
        }

        return map;
    }

    /// <summary>Reads a stored offset; null when none. Debezium's offsets without <c>lsn_commit</c> resume from <c>lsn</c>.</summary>
    /// <exception cref="ConnectException">An offset this connector cannot resume from, naming the field.</exception>
    public static CdcOffset? FromMap(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null)
        {
            return null;
        }

        var lsn = Number(map, LsnKey) ?? throw new ConnectException(
            $"The stored offset {Describe(map)} has no '{LsnKey}': it is not a PostgreSQL CDC offset. Reset the connector's offsets (DELETE /connectors/{{name}}/offsets while STOPPED) to stream from the slot's position.");
        return new CdcOffset((ulong)lsn, (ulong)(Number(map, ProcessedKey) ?? 0), (ulong)(Number(map, CommitKey) ?? lsn), Number(map, TxIdKey) ?? 0, Number(map, TimestampKey) ?? 0,
            Flag(map, SnapshotKey), Flag(map, LastSnapshotRecordKey),
            map.Keys.Any(k => k.StartsWith(IncrementalPrefix, StringComparison.Ordinal))
                ? map.Where(kv => kv.Key.StartsWith(IncrementalPrefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value)
                : null);
    }

    private static long? Number(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) switch
    {
        null => null,
        long l => l,
        int i => i,
        ulong u => (long)u,
        double d => (long)d,
        decimal m => (long)m,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e => e.GetInt64(),
        var other => throw new ConnectException($"The stored offset's '{key}' is {other}, not a number; fix or reset the connector's offsets."),
    };

    private static bool Flag(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) switch
    {
        bool b => b,
        string s => s.Equals("true", StringComparison.OrdinalIgnoreCase),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.True } => true,
        _ => false,
    };

    private static string Describe(IReadOnlyDictionary<string, object?> map) => "{" + string.Join(", ", map.Select(kv => $"{kv.Key}={kv.Value}")) + "}";
}
