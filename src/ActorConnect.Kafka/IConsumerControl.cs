using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// The handle materialized by <see cref="KafkaConsumerSource"/>: commits, seeks, pauses and shutdown from outside the stream.
/// </summary>
/// <remarks>
/// Why: librdkafka's consumer is not thread-safe and lives inside the stage, but the sink task runtime must commit
/// after its writes, rewind, pause and stop from its own threads. Every method may be called from any thread;
/// the work is queued and executed by the stage on its own thread, in call order.
/// Commands issued after the stage stopped fail (tasks) or are ignored (void methods).
/// </remarks>
public interface IConsumerControl
{
    /// <summary>The partitions currently assigned to this consumer (a snapshot; empty before the first assignment).</summary>
    IReadOnlyList<TopicPartition> Assignment { get; }

    /// <summary>
    /// Counts the assignments this consumer received (0 before the first). Records carry the generation they were read
    /// under (<see cref="ConsumedRecord.Generation"/>); one older than this value is stale after a rebalance.
    /// </summary>
    int AssignmentGeneration { get; }

    /// <summary>
    /// True when <paramref name="record"/> was read before its partition's position was last set anew (a seek asked
    /// through <see cref="Seek"/>, or a newer assignment): the stage delivers the partition again from the new position,
    /// so the receiver drops this one. A record merely below the offset the receiver expected is not stale: a recreated
    /// topic or a reset of the group's offsets moves a partition back, and those records must be delivered.
    /// </summary>
    bool IsStale(ConsumedRecord record);

    /// <summary>
    /// The partition's current position epoch: records of this position carry it in <see cref="ConsumedRecord.Epoch"/>.
    /// Grows with every assignment of the partition (before the listener's OnAssigned runs) and every <see cref="Seek"/>.
    /// </summary>
    int PositionEpoch(TopicPartition partition);

    /// <summary>How many records the stage holds right now (never above <see cref="ConsumerSettings.MaxBufferedRecords"/>).</summary>
    int BufferedCount { get; }

    /// <summary>The highest <see cref="BufferedCount"/> seen since the stage started: proof of the memory bound.</summary>
    int PeakBufferedCount { get; }

    /// <summary>
    /// The last non-fatal consumer error (for example "all brokers are down"), for the task status; null when none,
    /// and reset to null when records arrive again. Fatal errors fail the stream instead.
    /// </summary>
    Error? LastError { get; }

    /// <summary>
    /// Consumer lag per assigned partition: the partition's high watermark (as the last fetch saw it) minus the
    /// consumer's position, refreshed about once a second by the stage. Partitions not fetched yet are absent.
    /// </summary>
    IReadOnlyDictionary<TopicPartition, long> Lag { get; }

    /// <summary>
    /// Commits the given offsets (the next offset to read per partition, as Kafka does) synchronously on the
    /// stage's thread. Completes when the broker acknowledged, faults with the <see cref="KafkaException"/> otherwise.
    /// </summary>
    Task CommitAsync(IEnumerable<TopicPartitionOffset> offsets);

    /// <summary>
    /// Moves the fetch position of an assigned partition; buffered records of that partition are dropped, so the next
    /// record emitted for it is the one at <paramref name="offset"/>. Records already emitted before the seek took
    /// effect are <see cref="IsStale"/> from the moment this returns.
    /// </summary>
    void Seek(TopicPartitionOffset offset);

    /// <summary>
    /// Stops fetching the given partitions until <see cref="Resume"/>, across rebalances. Independent of the pauses the
    /// stage makes for backpressure: a partition is fetched only when neither paused it. Already buffered records are still emitted.
    /// </summary>
    void Pause(IEnumerable<TopicPartition> partitions);

    /// <summary>Undoes <see cref="Pause"/> for the given partitions.</summary>
    void Resume(IEnumerable<TopicPartition> partitions);

    /// <summary>
    /// Stops emitting, completes the stream and closes the consumer cleanly (the listener's OnRevoked runs, so
    /// its offsets are committed, and the group rebalances at once). Returns <see cref="IsShutdown"/>.
    /// </summary>
    Task StopAsync();

    /// <summary>
    /// Completes once the stage has stopped and the consumer is closed, whatever stopped it; faulted with the
    /// cause when the stage failed.
    /// </summary>
    Task IsShutdown { get; }
}
