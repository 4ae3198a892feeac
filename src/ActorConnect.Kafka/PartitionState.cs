using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// The consumer stage's view of its partitions: what is assigned, who paused what, and which seeks are pending.
/// </summary>
/// <remarks>
/// Why a separate ledger: two parties pause partitions (the user through <see cref="IConsumerControl.Pause"/>, the
/// stage for backpressure) but librdkafka has one pause flag per partition, which also survives a revoke and a
/// later re-assignment. So the ledger keeps the wanted state of each party and the state last told to librdkafka,
/// and <see cref="Reconcile"/> sends only the differences; newly assigned partitions are always told explicitly.
/// librdkafka pauses exactly: a paused partition restarts from the last record handed to us, so nothing is lost or
/// fetched twice by pausing. Seeks that librdkafka refuses because the partition has not started fetching yet
/// ("Local: Erroneous state", right after an assignment) are kept and retried on the next poll.
/// </remarks>
internal sealed class PartitionState
{
    private readonly HashSet<TopicPartition> _assigned = [];
    private readonly HashSet<TopicPartition> _pausedByUser = [];
    private readonly HashSet<TopicPartition> _pausedInClient = [];
    private readonly List<TopicPartition> _fresh = [];
    private readonly Dictionary<TopicPartition, TopicPartitionOffset> _pendingSeeks = [];

    public IReadOnlyCollection<TopicPartition> Assigned => _assigned;

    /// <summary>
    /// Changes whenever what <see cref="IsAssigned"/>, <see cref="HasPendingSeek"/> or <see cref="IsPausedByUser"/> answer
    /// may change: the stage keeps those answers for a run of records of one partition while it stays the same.
    /// </summary>
    public int Version { get; private set; }

    public bool IsAssigned(TopicPartition partition) => _assigned.Contains(partition);

    public bool HasPendingSeek(TopicPartition partition) => _pendingSeeks.ContainsKey(partition);

    public bool IsPausedByUser(TopicPartition partition) => _pausedByUser.Contains(partition);

    /// <summary>Eager protocol: an assignment replaces the previous one in full.</summary>
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
        Version++;
        _assigned.Clear();
        _assigned.UnionWith(partitions);
        _fresh.Clear();
        _fresh.AddRange(_assigned);
    }

    /// <summary>The partitions were revoked or lost: forget everything about them except the user's pauses.</summary>
    public void Remove(IEnumerable<TopicPartition> partitions)
    {
        Version++;
        foreach (var partition in partitions)
        {
            _assigned.Remove(partition);
            _pausedInClient.Remove(partition);
            _pendingSeeks.Remove(partition);
            _fresh.Remove(partition);
        }
    }

    public void PauseByUser(IEnumerable<TopicPartition> partitions)
    {
        Version++;
        _pausedByUser.UnionWith(partitions);
    }

    public void ResumeByUser(IEnumerable<TopicPartition> partitions)
    {
        Version++;
        _pausedByUser.ExceptWith(partitions);
    }

    /// <summary>Remembers a seek to run on the next <see cref="ApplySeeks"/>; a later seek of the same partition wins.</summary>
    public void RequestSeek(TopicPartitionOffset offset)
    {
        Version++;
        _pendingSeeks[offset.TopicPartition] = offset;
    }

    /// <summary>Runs the pending seeks, telling <paramref name="applied"/> of each that ran; returns the errors of those librdkafka rejected for good.</summary>
    public IReadOnlyList<Error> ApplySeeks(IConsumer<byte[]?, byte[]?> consumer, Action<TopicPartitionOffset> applied)
    {
        if (_pendingSeeks.Count == 0)
            return [];
        var errors = new List<Error>();
        Version++;
        foreach (var (partition, offset) in _pendingSeeks.ToList())
        {
            try
            {
                consumer.Seek(offset);
                _pendingSeeks.Remove(partition);
                applied(offset);
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_State)
            {
                // Not fetching yet (just assigned): retry on the next poll.
            }
            catch (KafkaException e)
            {
                _pendingSeeks.Remove(partition);
                errors.Add(e.Error);
            }
        }
        return errors;
    }

    /// <summary>Tells librdkafka which assigned partitions must be paused: those the user paused, or all under backpressure.</summary>
    public void Reconcile(IConsumer<byte[]?, byte[]?> consumer, bool backpressured)
    {
        List<TopicPartition>? toPause = null;
        List<TopicPartition>? toResume = null;
        foreach (var partition in _assigned)
        {
            var wanted = backpressured || _pausedByUser.Contains(partition);
            var told = _pausedInClient.Contains(partition);
            var fresh = _fresh.Contains(partition); // librdkafka may still hold a pause from an earlier assignment
            if (wanted && (!told || fresh))
                (toPause ??= []).Add(partition);
            else if (!wanted && (told || fresh))
                (toResume ??= []).Add(partition);
        }
        _fresh.Clear();
        if (toPause is not null)
        {
            consumer.Pause(toPause);
            _pausedInClient.UnionWith(toPause);
        }
        if (toResume is not null)
        {
            consumer.Resume(toResume);
            _pausedInClient.ExceptWith(toResume);
        }
    }
}
