using ActorConnect.Cluster.Discovery;
using ActorConnect.Cluster.Storage;

namespace ActorConnect.Cluster.Tests.Discovery;

/// <summary>
/// The config topic's announcements in memory, honest to <see cref="IAnnouncementLog"/>'s contract: one order for
/// every reader, a write visible to every subscriber (the writer too), a tombstone deleting the key, the snapshot the
/// latest value per key.
/// </summary>
internal sealed class InMemoryAnnouncementLog : IAnnouncementLog
{
    private readonly object _lock = new();
    private readonly Dictionary<string, byte[]> _latest = new(StringComparer.Ordinal);

    public event Action<string, byte[]?>? Announced;

    public string Topic => "in-memory-configs";

    public IReadOnlyDictionary<string, byte[]> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, byte[]>(_latest, StringComparer.Ordinal);
        }
    }

    public Task PublishAsync(string key, byte[]? value)
    {
        lock (_lock)
        {
            if (value is null)
            {
                _latest.Remove(key);
            }
            else
            {
                _latest[key] = value;
            }

            Announced?.Invoke(key, value);
        }

        return Task.CompletedTask;
    }
}
