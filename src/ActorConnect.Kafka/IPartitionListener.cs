using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Told by <see cref="KafkaConsumerSource"/> when the group gives this consumer partitions or takes them away.
/// </summary>
/// <remarks>
/// Why a listener and not stream elements: a rebalance must be handled before the consumer goes on (the sink
/// must flush and commit before its partitions move to another member, and a rewind must be known before the
/// first fetch), which a downstream element could not guarantee.
/// <para>Threading: every method is called on the stage's thread, from inside a poll or the final close, and
/// may block it (the dedicated dispatcher of <see cref="ConsumerSettings.Dispatcher"/> exists for that).
/// The stage does not emit anything else while a method runs. An exception thrown by a method fails the stream.
/// Never wait on <see cref="IConsumerControl"/> from inside a method: its commands run on this very thread, so
/// waiting deadlocks. Return the offsets to commit instead.</para>
/// <para>Protocol: eager rebalancing only (librdkafka's default range/roundrobin assignors): every rebalance
/// first revokes the whole assignment, then assigns the new one in full.</para>
/// </remarks>
public interface IPartitionListener
{
    /// <summary>
    /// The consumer now owns <paramref name="partitions"/> (the full new assignment).
    /// </summary>
    /// <returns>
    /// How the partitions start (see <see cref="AssignmentStart"/>), or null to start every one from its committed
    /// offset (or <c>auto.offset.reset</c> when none) with the pauses as they were.
    /// </returns>
    AssignmentStart? OnAssigned(IReadOnlyList<TopicPartition> partitions);

    /// <summary>
    /// The consumer is about to give up <paramref name="partitions"/> (a rebalance, or the stage stopping).
    /// The stage has already dropped its buffered records for them.
    /// </summary>
    /// <returns>
    /// Offsets to commit (the next offset to read, per partition) before the partitions are given up, or null/empty.
    /// The commit is synchronous; if it fails the error is logged and exposed as <see cref="IConsumerControl.LastError"/>,
    /// and the records after the last successful commit will be read again by the next owner.
    /// </returns>
    IReadOnlyList<TopicPartitionOffset>? OnRevoked(IReadOnlyList<TopicPartition> partitions);

    /// <summary>
    /// The consumer lost <paramref name="partitions"/> without a chance to commit (it was thrown out of the group,
    /// for example after its session timed out). Another member may already own them: do not commit for them.
    /// </summary>
    void OnLost(IReadOnlyList<TopicPartition> partitions);
}

/// <summary>What a <see cref="IPartitionListener"/> answers to an assignment, applied before any record of it is read.</summary>
/// <param name="Seeks">
/// Start offsets for some of the partitions (Kafka Connect's <c>SinkTaskContext.offset</c> rewind); the others start
/// from their committed offsets (or <c>auto.offset.reset</c> when none).
/// </param>
/// <param name="Paused">
/// When set, exactly these partitions of the assignment start paused and the others resumed, whatever was paused
/// before; null leaves the pauses as they were. A pause sent through <see cref="IConsumerControl"/> instead would be
/// applied only after the stage's next fetch, so a consumer that must not deliver (its task PAUSED) answers here.
/// </param>
public sealed record AssignmentStart(IReadOnlyList<TopicPartitionOffset> Seeks, IReadOnlyCollection<TopicPartition>? Paused = null);
