using ActorConnect.Api.Sink;
using ActorConnect.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// The sink task's view of its consumer. Only the task's own thread calls it (from inside put/open/flush), so it needs
/// no locks; rewinds asked for inside open() are applied by the consumer as the assignment's start offsets.
/// </summary>
internal sealed class SinkTaskContext(IReadOnlyDictionary<string, string> configs, Action requestCommit, IErrantRecordReporter? errantRecordReporter = null)
    : ISinkTaskContext
{
    private readonly HashSet<TopicPartition> _assignment = new();
    private readonly HashSet<TopicPartition> _pausedByTask = new();
    private readonly Dictionary<TopicPartition, long> _pendingRewinds = new();

    public IConsumerControl? Control { get; set; }

    public long? TimeoutMs { get; private set; }

    public IReadOnlyDictionary<string, string> Configs => configs;

    public IReadOnlyCollection<TopicPartition> Assignment => _assignment;

    /// <summary>Present when the connector has a dead-letter queue or <c>errors.log.enable</c>, as in Kafka Connect.</summary>
    public IErrantRecordReporter? ErrantRecordReporter => errantRecordReporter;

    /// <summary>The assigned partitions the task has not paused itself: what the runtime may resume after pausing all.</summary>
    public IEnumerable<TopicPartition> NotPausedByTask => _assignment.Where(tp => !_pausedByTask.Contains(tp));

    public bool InOpen { get; set; }

    public void Offset(IReadOnlyDictionary<TopicPartition, long> offsets)
    {
        foreach (var (tp, offset) in offsets)
        {
            Offset(tp, offset);
        }
    }

    public void Offset(TopicPartition partition, long offset)
    {
        if (InOpen)
        {
            _pendingRewinds[partition] = offset;
        }
        else
        {
            Control?.Seek(new Confluent.Kafka.TopicPartitionOffset(partition.Topic, partition.Partition, offset));
        }
    }

    public void Timeout(long timeoutMs) => TimeoutMs = timeoutMs;

    public void Pause(params TopicPartition[] partitions)
    {
        _pausedByTask.UnionWith(partitions);
        Control?.Pause(partitions.Select(SinkTaskProtocol.ToKafka));
    }

    public void Resume(params TopicPartition[] partitions)
    {
        _pausedByTask.ExceptWith(partitions);
        Control?.Resume(partitions.Select(SinkTaskProtocol.ToKafka));
    }

    public void RequestCommit() => requestCommit();

    public void AddAssigned(IEnumerable<TopicPartition> partitions) => _assignment.UnionWith(partitions);

    public void RemoveAssigned(IEnumerable<TopicPartition> partitions)
    {
        var removed = partitions.ToList();
        _assignment.ExceptWith(removed);
        _pausedByTask.ExceptWith(removed);
    }

    public bool IsAssigned(TopicPartition tp) => _assignment.Contains(tp);

    public bool IsPausedByTask(TopicPartition tp) => _pausedByTask.Contains(tp);

    public IReadOnlyList<Confluent.Kafka.TopicPartitionOffset> TakeRewinds()
    {
        var result = _pendingRewinds.Select(kv => new Confluent.Kafka.TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)).ToList();
        _pendingRewinds.Clear();
        return result;
    }
}
