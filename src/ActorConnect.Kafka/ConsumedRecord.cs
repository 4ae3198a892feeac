using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// One record read by <see cref="KafkaConsumerSource"/>, with raw key, value and header bytes.
/// </summary>
/// <remarks>
/// Why not Confluent's ConsumeResult: it carries the leader epoch, EOF markers and typed messages we do not
/// need; this immutable record is all a converter and a sink task look at, and it is cheap to test with.
/// </remarks>
/// <param name="Topic">Topic it was read from.</param>
/// <param name="Partition">Partition it was read from.</param>
/// <param name="Offset">Its offset; commit <see cref="NextOffset"/> once it is processed.</param>
/// <param name="Key">Key bytes, or null.</param>
/// <param name="Value">Value bytes, or null (a tombstone).</param>
/// <param name="Headers">Headers in order (empty when none, always empty from a 0.9 broker).</param>
/// <param name="Timestamp">Record timestamp, or null when the broker does not store one (0.9).</param>
/// <param name="TimestampType">Whether the timestamp is the producer's create time or the broker's log append time.</param>
/// <param name="Generation">
/// The assignment it was read under (<see cref="IConsumerControl.AssignmentGeneration"/> at the time). With eager
/// rebalancing every partition is read again from its committed offset after a rebalance, so a record whose generation
/// is older than the control's current one is stale: it will be delivered again and must be dropped by the receiver.
/// </param>
/// <param name="Epoch">
/// How often its partition's read position had been set anew (assignments, seeks asked through the control) when it was
/// read; <see cref="IConsumerControl.IsStale"/> compares it with the latest position asked for.
/// </param>
public sealed record ConsumedRecord(
    string Topic,
    int Partition,
    long Offset,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<KeyValuePair<string, byte[]?>> Headers,
    DateTimeOffset? Timestamp,
    TimestampType TimestampType,
    int Generation = 0,
    int Epoch = 0)
{
    private static readonly IReadOnlyList<KeyValuePair<string, byte[]?>> NoHeaders = [];

    /// <summary>The topic-partition it came from.</summary>
    public TopicPartition TopicPartition => new(Topic, new Partition(Partition));

    /// <summary>The offset to commit once this record is processed: Kafka commits "the next offset to read".</summary>
    public TopicPartitionOffset NextOffset => new(Topic, new Partition(Partition), new Offset(Offset + 1));

    /// <param name="result">What librdkafka returned.</param>
    /// <param name="topic">Its topic, equal to <c>result.Topic</c>: the instance shared by the records of a run.</param>
    /// <param name="generation">The assignment it was read under.</param>
    /// <param name="epoch">Its partition's position epoch.</param>
    internal static ConsumedRecord From(ConsumeResult<byte[]?, byte[]?> result, string topic, int generation, int epoch)
    {
        var message = result.Message;
        IReadOnlyList<KeyValuePair<string, byte[]?>> headers = NoHeaders;
        if (message.Headers is { Count: > 0 } kafkaHeaders)
        {
            var list = new KeyValuePair<string, byte[]?>[kafkaHeaders.Count];
            for (var i = 0; i < list.Length; i++)
                list[i] = new(kafkaHeaders[i].Key, kafkaHeaders[i].GetValueBytes());
            headers = list;
        }
        var timestamp = message.Timestamp.Type == TimestampType.NotAvailable
            ? (DateTimeOffset?)null
            : DateTimeOffset.FromUnixTimeMilliseconds(message.Timestamp.UnixTimestampMs);
        return new ConsumedRecord(topic, result.Partition.Value, result.Offset.Value, message.Key, message.Value,
            headers, timestamp, message.Timestamp.Type, generation, epoch);
    }
}
