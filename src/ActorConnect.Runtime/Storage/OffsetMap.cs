using System.Text.Json.Nodes;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// The in-memory view every offset store keeps: connector and source partition to offset, keyed by the normalised
/// Kafka Connect key (<see cref="OffsetJson.Key"/>) so the same partition written with its fields in another order
/// is the same entry. Thread-safe.
/// </summary>
public sealed class OffsetMap
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (string Connector, JsonNode Partition, JsonNode? Offset)> _entries = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, object?>? Read(string connector, IReadOnlyDictionary<string, object?> partition)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(OffsetJson.Key(connector, partition), out var e) ? OffsetJson.FromNode(e.Offset) : null;
        }
    }

    public IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)> ReadAll(string connector)
    {
        lock (_lock)
        {
            return _entries.Values.Where(e => e.Connector == connector)
                .Select(e => (OffsetJson.FromNode(e.Partition)!, OffsetJson.FromNode(e.Offset)))
                .ToList();
        }
    }

    /// <summary>Sets one partition's offset; null removes the partition.</summary>
    public void Set(string connector, IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?>? offset)
    {
        var key = OffsetJson.Key(connector, partition);
        lock (_lock)
        {
            if (offset is null)
            {
                _entries.Remove(key);
            }
            else
            {
                _entries[key] = (connector, OffsetJson.ToNode(partition)!, OffsetJson.ToNode(offset));
            }
        }
    }

    /// <summary>A snapshot of every entry, for a store that writes them all out.</summary>
    public IReadOnlyList<(string Connector, JsonNode Partition, JsonNode? Offset)> Snapshot()
    {
        lock (_lock)
        {
            return _entries.Values.Select(e => (e.Connector, e.Partition.DeepClone(), e.Offset?.DeepClone())).ToList();
        }
    }
}
