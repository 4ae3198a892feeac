using ActorConnect.Api.Sink;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Watches each partition a sink task reads for an offset that moves backward without anyone asking: the topic was
/// deleted and recreated, the group's offsets were reset, or <c>auto.offset.reset</c> started the partition over.
/// Such records are delivered (at-least-once); this only tells that it happened, so the task can say so.
/// </summary>
/// <remarks>
/// Within one position epoch (<see cref="Kafka.ConsumedRecord.Epoch"/>) offsets only grow, so a lower one is a move.
/// A new epoch starts where it was asked to: an assignment at the offset last committed for the partition (or where
/// the task rewound it in open()), a seek the task asked for anywhere at all (not checked).
/// Only the task's thread calls it.
/// </remarks>
internal sealed class OffsetContinuity
{
    private readonly Dictionary<TopicPartition, (int Epoch, long Next)> _positions = new();

    // Commits the broker acknowledged, kept across revocations: a partition assigned again starts from one of them or later.
    private readonly Dictionary<TopicPartition, long> _committed = new();

    /// <summary>The broker acknowledged these offsets (the next offset to read per partition).</summary>
    public void Committed(IEnumerable<KeyValuePair<TopicPartition, long>> offsets)
    {
        foreach (var (partition, offset) in offsets)
        {
            _committed[partition] = offset;
        }
    }

    /// <summary>
    /// The partition was assigned under <paramref name="epoch"/>: its first record should be at
    /// <paramref name="rewoundTo"/> when the task rewound it in open(), else at the last commit or later.
    /// </summary>
    public void Assigned(TopicPartition partition, int epoch, long? rewoundTo) =>
        _positions[partition] = (epoch, rewoundTo ?? (_committed.TryGetValue(partition, out var committed) ? committed : -1));

    /// <summary>Records of <paramref name="partition"/> up to <paramref name="next"/> (exclusive) were delivered in <paramref name="epoch"/>.</summary>
    public void Moved(TopicPartition partition, int epoch, long next) => _positions[partition] = (epoch, next);

    /// <summary>
    /// Records that a record at <paramref name="offset"/> of <paramref name="epoch"/> is being delivered; returns the
    /// offset that was expected when this one lies below it (a move backward), else null.
    /// </summary>
    public long? Observe(TopicPartition partition, int epoch, long offset)
    {
        long? expected = _positions.TryGetValue(partition, out var position) && position.Epoch == epoch && offset < position.Next
            ? position.Next
            : null;
        _positions[partition] = (epoch, offset + 1);
        return expected;
    }
}
