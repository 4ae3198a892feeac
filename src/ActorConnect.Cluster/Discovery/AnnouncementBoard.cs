using ActorConnect.Cluster.Storage;
namespace ActorConnect.Cluster.Discovery;

/// <summary>
/// The announcements one worker has read, and when each was last refreshed by this worker's clock. A record read back
/// from before this worker started says nothing of whether its writer still lives (a SIGKILLed worker leaves its last
/// record behind); only a record arriving while this worker watches does. No clocks are compared across machines.
/// </summary>
internal sealed class AnnouncementBoard
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Records read from before this worker started: known, not yet live.</summary>
    public void Known(string key, WorkerAnnouncement? announcement, TimeSpan now)
    {
        if (announcement is null)
        {
            _entries.Remove(key);
        }
        else
        {
            _entries[key] = new Entry(announcement, null, now);
        }
    }

    /// <summary>A record that arrived while this worker watched: its writer lived at <paramref name="now"/>; a tombstone removes it.</summary>
    public void Seen(string key, WorkerAnnouncement? announcement, TimeSpan now)
    {
        if (announcement is null)
        {
            _entries.Remove(key);
            return;
        }

        _entries[key] = new Entry(announcement, now, _entries.TryGetValue(key, out var before) ? before.Since : now);
    }

    /// <summary>The announcements refreshed within <paramref name="window"/> before <paramref name="now"/>, other than <paramref name="selfKey"/>'s.</summary>
    public IReadOnlyList<WorkerAnnouncement> Live(TimeSpan now, TimeSpan window, string selfKey) =>
        _entries.Where(e => e.Key != selfKey && e.Value.RefreshedAt is { } at && now - at <= window).Select(e => e.Value.Last).ToList();

    /// <summary>Keys whose writers have not refreshed them for <paramref name="after"/> as far as this worker has seen.</summary>
    public IReadOnlyList<string> Forgotten(TimeSpan now, TimeSpan after, string selfKey) =>
        _entries.Where(e => e.Key != selfKey && now - (e.Value.RefreshedAt ?? e.Value.Since) > after).Select(e => e.Key).ToList();

    /// <param name="Last">The latest record.</param>
    /// <param name="RefreshedAt">When a record of it last arrived while this worker watched; null when only read from before.</param>
    /// <param name="Since">When this worker first read the key.</param>
    private sealed record Entry(WorkerAnnouncement Last, TimeSpan? RefreshedAt, TimeSpan Since);
}
