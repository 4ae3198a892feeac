using System.Globalization;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Which transactions a chunk's read saw, from its <c>txid_current_snapshot()</c> (<c>xmin:xmax:xip,...</c>). Commit
/// order in the WAL is not quite visibility order: a transaction whose commit record precedes the window's open mark
/// may still be finishing when the chunk is read, so the read misses it although the stream shows it before the window.
/// A change of a transaction the read did not see therefore drops the chunk's row of its key too, window or not,
/// whether the stream shows it after the read or showed it already (even before the previous chunk's close).
/// </summary>
internal sealed class SnapshotVisibility
{
    private readonly uint _xmax;
    private readonly HashSet<uint> _inProgress;

    private SnapshotVisibility(uint xmax, HashSet<uint> inProgress) => (_xmax, _inProgress) = (xmax, inProgress);

    /// <summary>Parses <c>txid_current_snapshot()::text</c>; the 64-bit ids are cut to the 32-bit xids the stream carries.</summary>
    public static SnapshotVisibility Parse(string snapshot)
    {
        var parts = snapshot.Split(':');
        var inProgress = parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Xid).ToHashSet();
        return new SnapshotVisibility(Xid(parts[1]), inProgress);
    }

    /// <summary>True when the read saw the transaction <paramref name="xid"/>'s changes (it ended before the read's snapshot).</summary>
    public bool Saw(long xid)
    {
        var id = (uint)xid;
        // Circular comparison, as PostgreSQL compares xids: at or after xmax means begun after the snapshot.
        return !_inProgress.Contains(id) && (int)(id - _xmax) < 0;
    }

    private static uint Xid(string text) => (uint)(ulong.Parse(text, CultureInfo.InvariantCulture) & 0xFFFFFFFF);
}
