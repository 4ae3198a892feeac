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
            var key = Encoding.UTF8.GetBytes(OffsetJson.Key(connector, o.Key));
            var value = o.Value is null ? null : Encoding.UTF8.GetBytes(OffsetJson.ToNode(o.Value)!.ToJsonString());
            return _log.SendAsync(key, value);
        }).ToList();
        Task.WhenAll(sends).GetAwaiter().GetResult();
        foreach (var (partition, offset) in offsets)
        {
            _map.Set(connector, partition, offset);
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

        _map.Set(key[0]!.GetValue<string>(), OffsetJson.FromNode(partition)!, OffsetJson.FromNode(offset));
    }
}
