using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Storage;

namespace ActorConnect.Cluster.Storage;

/// <summary>
/// Source offsets in a compacted topic (<c>offset.storage.topic</c>, default <c>connect-offsets</c>), in Kafka
/// Connect's layout: key <c>["connector",{partition}]</c>, value <c>{offset}</c> as schemaless JSON, a tombstone for a
/// reset partition. Every worker reads the whole topic, so a task resumes from its offsets on whichever node it lands.
/// </summary>
public sealed class KafkaOffsetBackingStore : IOffsetBackingStore, IDisposable
{
    private readonly KafkaBasedLog _log;
    private readonly OffsetMap _map = new();
    private readonly object _lock = new();

    // Where the entry of each key (OffsetJson.Key) now in the map was written in the topic. This worker's own writes
    // go into the map as soon as the broker has them, before its reader gets to them; the reader then meets the older
    // records of the same key first (it lags by up to a fetch wait) and must not put them back, or a task restarted
    // on this node in that moment would resume from an older offset and send records again.
    private readonly Dictionary<string, (int Partition, long Offset)> _positions = new(StringComparer.Ordinal);

    public KafkaOffsetBackingStore(KafkaLogSettings settings) => _log = new KafkaBasedLog(settings, OnRecord);

    /// <summary>Reads the topic to its end; call before the first read.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _log.StartAsync(cancellationToken);

    /// <summary>
    /// Returns once every offset written by any worker before the call is in this store: a connector moved from
    /// another node reads the offsets that node flushed while handing it over.
    /// </summary>
    public Task ReadToEndAsync(CancellationToken cancellationToken = default) => _log.ReadToEndAsync(cancellationToken);

    public IReadOnlyDictionary<string, object?>? Read(string connector, IReadOnlyDictionary<string, object?> partition) => _map.Read(connector, partition);

    public IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)> ReadAll(string connector) => _map.ReadAll(connector);

    /// <summary>Writes every offset and returns once the brokers have them all (acks=all).</summary>
    public void Write(string connector, IReadOnlyCollection<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> offsets)
    {
        var sends = offsets.Select(o =>
        {
            var key = OffsetJson.Key(connector, o.Key);
            var value = o.Value is null ? null : Encoding.UTF8.GetBytes(OffsetJson.ToNode(o.Value)!.ToJsonString());
            return (Key: key, o.Key, o.Value, Sent: _log.SendAsync(Encoding.UTF8.GetBytes(key), value));
        }).ToList();
        Task.WhenAll(sends.Select(s => s.Sent)).GetAwaiter().GetResult();
        foreach (var (key, partition, offset, sent) in sends)
        {
            Apply(key, sent.Result.Partition.Value, sent.Result.Offset.Value, () => _map.Set(connector, partition, offset));
        }
    }

    public void Dispose() => _log.Dispose();

    private void OnRecord(Confluent.Kafka.ConsumeResult<byte[], byte[]?> record)
    {
        // Records another writer (or an older version) left malformed are skipped rather than stopping the worker.
        JsonNode? offset;
        JsonArray? key;
        try
        {
            key = JsonNode.Parse(record.Message.Key) as JsonArray;
            offset = record.Message.Value is null ? null : JsonNode.Parse(record.Message.Value);
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }

        if (key is not { Count: 2 } || key[0]?.GetValueKind() != System.Text.Json.JsonValueKind.String || key[1] is not JsonObject partition)
        {
            return;
        }

        var connector = key[0]!.GetValue<string>();
        var sourcePartition = OffsetJson.FromNode(partition)!;
        Apply(OffsetJson.Key(connector, sourcePartition), record.Partition.Value, record.Offset.Value,
            () => _map.Set(connector, sourcePartition, OffsetJson.FromNode(offset)));
    }

    /// <summary>Applies an entry unless the map already holds a later record of the same key (same topic partition, higher offset).</summary>
    private void Apply(string key, int partition, long position, Action set)
    {
        lock (_lock)
        {
            if (_positions.TryGetValue(key, out var held) && held.Partition == partition && held.Offset >= position)
            {
                return;
            }

            _positions[key] = (partition, position);
            set();
        }
    }
}
