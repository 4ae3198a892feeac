using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Counts, per partition, how often its read position was set anew: each assignment, and each seek asked through
/// <see cref="IConsumerControl.Seek"/>. Every record carries the count the stage had applied when it read the record
/// (<see cref="ConsumedRecord.Epoch"/>); a record whose count is below the one asked for so far was read for a position
/// that no longer holds, and the stage delivers its partition again from the new position.
/// </summary>
/// <remarks>
/// Why counts and not offsets: a record below the offset a receiver expected is also what a recreated topic, an
/// operator's offset reset or <c>auto.offset.reset</c> after retention produce, and those records must be delivered,
/// never dropped. Only the epoch tells a stale record (fetched before a seek or a rebalance, still on its way
/// downstream) from a real move of the partition's offsets.
/// Asks come from any thread (a seek is asked on the caller's thread, before its command is queued, so a record the
/// stage reads in between is already stale); applies come only from the stage's thread.
/// </remarks>
internal sealed class PositionEpochs
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, int> _applied = [];

    // Copy on write: receivers read it for every record, without a lock; it changes only with seeks and assignments.
    private volatile Dictionary<TopicPartition, int> _asked = [];

    // The highest epoch asked for any partition: a record at or above it is current without a lookup, which is every
    // record between seeks and rebalances (checked per record, on the sink's hot path).
    private volatile int _highestAsked;

    /// <summary>The epoch asked for so far: records of <paramref name="partition"/> below it are stale.</summary>
    public int Asked(TopicPartition partition) => _asked.TryGetValue(partition, out var epoch) ? epoch : 0;

    /// <summary>A new position was asked for (a seek, or the stage's own assignment).</summary>
    public void Ask(TopicPartition partition)
    {
        lock (_gate)
        {
            var next = new Dictionary<TopicPartition, int>(_asked);
            var epoch = Asked(partition) + 1;
            next[partition] = epoch;
            if (epoch > _highestAsked)
                _highestAsked = epoch; // before the map: a reader never sees a new epoch in it and an old highest
            _asked = next;
        }
    }

    /// <summary>The epoch the stage reads under now (stage thread only).</summary>
    public int Applied(TopicPartition partition) => _applied.TryGetValue(partition, out var epoch) ? epoch : 0;

    /// <summary>Changes with every <see cref="Apply"/>: what <see cref="Applied"/> answered before still holds while it does not (stage thread only).</summary>
    public int AppliedVersion { get; private set; }

    /// <summary>The stage took the asked position: records it reads from now on carry the new epoch (stage thread only).</summary>
    public void Apply(TopicPartition partition)
    {
        AppliedVersion++;
        _applied[partition] = Applied(partition) + 1;
    }

    /// <summary>An assignment sets the position itself: asked and applied at once, on the stage's thread.</summary>
    public void AskAndApply(TopicPartition partition)
    {
        Ask(partition);
        Apply(partition);
    }

    public bool IsStale(ConsumedRecord record) =>
        record.Epoch < _highestAsked && record.Epoch < Asked(new TopicPartition(record.Topic, new Partition(record.Partition)));
}
