using ActorConnect.Kafka;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests.InMemory;

/// <summary>
/// One member of an in-memory consumer group: its position, pauses and record buffer, and the
/// <see cref="IConsumerControl"/> the stage materializes. Its state is guarded by <see cref="InMemoryKafka.Gate"/>, so
/// the control's methods act at once from any thread; the listener is only ever called by the stage, on its thread.
/// </summary>
internal sealed class InMemoryConsumerControl(InMemoryKafka kafka, ConsumerSettings settings, Subscription subscription) : IConsumerControl
{
    private readonly Dictionary<TopicPartition, long> _positions = new();
    private readonly Dictionary<TopicPartition, int> _epochs = new();
    private readonly HashSet<TopicPartition> _pausedByUser = new();
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _resetsToEnd = settings.BuildConfig().AutoOffsetReset == AutoOffsetReset.Latest;
    private int _peak;

    public ConsumerSettings Settings => settings;

    public Subscription Subscription => subscription;

    public ConsumerGroup Group { get; } = kafka.Group(settings.GroupId);

    /// <summary>The partitions this member holds, of generation <see cref="AssignedGeneration"/>.</summary>
    public List<TopicPartition> Owned { get; } = [];

    /// <summary>The group generation whose assignment this member took last (0: none yet).</summary>
    public int AssignedGeneration { get; private set; }

    public Queue<ConsumedRecord> Buffer { get; } = new();

    public bool StopRequested { get; private set; }

    public bool Stopped { get; set; }

    public IReadOnlyList<TopicPartition> Assignment
    {
        get
        {
            lock (kafka.Gate)
            {
                return Owned.ToList();
            }
        }
    }

    public int AssignmentGeneration { get; private set; }

    public bool IsStale(ConsumedRecord record)
    {
        lock (kafka.Gate)
        {
            return record.Epoch < _epochs.GetValueOrDefault(record.TopicPartition);
        }
    }

    public int PositionEpoch(TopicPartition partition)
    {
        lock (kafka.Gate)
        {
            return _epochs.GetValueOrDefault(partition);
        }
    }

    public int BufferedCount
    {
        get
        {
            lock (kafka.Gate)
            {
                return Buffer.Count;
            }
        }
    }

    public int PeakBufferedCount => Volatile.Read(ref _peak);

    public Error? LastError => null;

    public IReadOnlyDictionary<TopicPartition, long> Lag
    {
        get
        {
            lock (kafka.Gate)
            {
                return Owned.Where(_positions.ContainsKey).ToDictionary(tp => tp, tp => kafka.EndOffset(tp) - _positions[tp]);
            }
        }
    }

    public Task IsShutdown => _shutdown.Task;

    public Task CommitAsync(IEnumerable<TopicPartitionOffset> offsets)
    {
        lock (kafka.Gate)
        {
            if (Stopped)
            {
                return Task.FromException(new KafkaException(ErrorCode.Local_State));
            }

            Group.Commit(offsets);
            return Task.CompletedTask;
        }
    }

    public void Seek(TopicPartitionOffset offset)
    {
        lock (kafka.Gate)
        {
            if (!Owned.Contains(offset.TopicPartition))
            {
                return;
            }

            _positions[offset.TopicPartition] = offset.Offset.Value;
            _epochs[offset.TopicPartition] = _epochs.GetValueOrDefault(offset.TopicPartition) + 1;
            DropBuffered(offset.TopicPartition);
        }
    }

    public void Pause(IEnumerable<TopicPartition> partitions)
    {
        lock (kafka.Gate)
        {
            _pausedByUser.UnionWith(partitions);
        }
    }

    public void Resume(IEnumerable<TopicPartition> partitions)
    {
        lock (kafka.Gate)
        {
            _pausedByUser.ExceptWith(partitions);
        }
    }

    public Task StopAsync()
    {
        lock (kafka.Gate)
        {
            StopRequested = true;
        }

        return IsShutdown;
    }

    /// <summary>The partitions to revoke now: what this member holds of an older generation (empty when none).</summary>
    public List<TopicPartition> ToRevoke() =>
        Owned.Count > 0 && (AssignedGeneration < Group.Generation || StopRequested) ? Owned.ToList() : [];

    /// <summary>Gives up every partition this member holds, its buffered records with them.</summary>
    public void Revoked()
    {
        foreach (var tp in Owned)
        {
            DropBuffered(tp);
            _positions.Remove(tp);
        }

        Owned.Clear();
    }

    /// <summary>Takes this generation's assignment once every member gave up the old one; null while it may not.</summary>
    public List<TopicPartition>? TakeAssignment()
    {
        if (AssignedGeneration == Group.Generation || !Group.AllRevoked)
        {
            return null;
        }

        AssignedGeneration = Group.Generation;
        AssignmentGeneration++;
        Owned.AddRange(Group.AssignmentOf(this));
        foreach (var tp in Owned)
        {
            _epochs[tp] = _epochs.GetValueOrDefault(tp) + 1;
            _positions[tp] = Group.Committed.TryGetValue(tp, out var committed) ? committed : _resetsToEnd ? kafka.EndOffset(tp) : 0;
        }

        return Owned.ToList();
    }

    /// <summary>
    /// The listener's answer for just-assigned partitions: start offsets (Kafka Connect's rewinds) and, when given, which
    /// start paused (the others resumed), as the real stage applies them before its first fetch.
    /// </summary>
    public void StartAt(AssignmentStart? start)
    {
        foreach (var o in (start?.Seeks ?? []).Where(o => Owned.Contains(o.TopicPartition)))
        {
            _positions[o.TopicPartition] = o.Offset.Value;
        }

        if (start?.Paused is { } paused)
        {
            _pausedByUser.ExceptWith(Owned.Where(tp => !paused.Contains(tp)));
            _pausedByUser.UnionWith(Owned.Where(paused.Contains));
        }
    }

    /// <summary>Fills the buffer up to its bound from the partitions neither paused nor behind the bound.</summary>
    public void Fetch()
    {
        foreach (var tp in Owned)
        {
            var room = settings.MaxBufferedRecords - Buffer.Count;
            if (room <= 0)
            {
                break;
            }

            if (_pausedByUser.Contains(tp))
            {
                continue;
            }

            var position = _positions[tp];
            foreach (var record in kafka.Read(tp, position, room))
            {
                Buffer.Enqueue(record.ToConsumed(tp.Topic, tp.Partition.Value, AssignmentGeneration, _epochs[tp]));
                position = record.Offset + 1;
            }

            _positions[tp] = position;
        }

        if (Buffer.Count > _peak)
        {
            Volatile.Write(ref _peak, Buffer.Count);
        }
    }

    public void Shutdown(Exception? cause)
    {
        if (cause is null)
        {
            _shutdown.TrySetResult();
        }
        else
        {
            _shutdown.TrySetException(cause);
        }
    }

    private void DropBuffered(TopicPartition tp)
    {
        var keep = Buffer.Where(r => r.Partition != tp.Partition.Value || r.Topic != tp.Topic).ToList();
        Buffer.Clear();
        foreach (var r in keep)
        {
            Buffer.Enqueue(r);
        }
    }
}
