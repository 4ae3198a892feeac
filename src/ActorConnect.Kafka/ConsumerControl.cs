using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// The thread-safe side of the consumer stage: queues commands for the stage and publishes its state.
/// </summary>
/// <remarks>
/// Commands may arrive before the stage has started (the handle exists as soon as the stream is materialized)
/// and after it stopped; the queue covers the first case and <see cref="MarkStopped"/> fails what is left in
/// the second, so no caller waits forever.
/// </remarks>
internal sealed class ConsumerControl : IConsumerControl
{
    private readonly object _gate = new();
    private readonly Queue<ConsumerCommand> _commands = new();
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _wakeUp;
    private bool _stopped;
    private volatile IReadOnlyList<TopicPartition> _assignment = [];
    private volatile Error? _lastError;
    private volatile IReadOnlyDictionary<TopicPartition, long> _lag = new Dictionary<TopicPartition, long>();
    private int _generation;
    private int _buffered;
    private int _peakBuffered;

    public IReadOnlyList<TopicPartition> Assignment => _assignment;

    /// <summary>Shared with the stage, which applies what <see cref="Seek"/> asks and sets assignments' epochs.</summary>
    internal PositionEpochs Epochs { get; } = new();

    public bool IsStale(ConsumedRecord record) => Epochs.IsStale(record);

    public int PositionEpoch(TopicPartition partition) => Epochs.Asked(partition);

    public int AssignmentGeneration => Volatile.Read(ref _generation);

    public int BufferedCount => Volatile.Read(ref _buffered);

    public int PeakBufferedCount => Volatile.Read(ref _peakBuffered);

    public Error? LastError => _lastError;

    public IReadOnlyDictionary<TopicPartition, long> Lag => _lag;

    public Task IsShutdown => _shutdown.Task;

    public Task CommitAsync(IEnumerable<TopicPartitionOffset> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new ConsumerCommand.Commit(offsets.ToList(), completion));
        return completion.Task;
    }

    public void Seek(TopicPartitionOffset offset)
    {
        ArgumentNullException.ThrowIfNull(offset);
        Epochs.Ask(offset.TopicPartition); // before the command exists: whatever the stage reads meanwhile is stale
        Enqueue(new ConsumerCommand.Seek(offset));
    }

    public void Pause(IEnumerable<TopicPartition> partitions) => Enqueue(new ConsumerCommand.Pause(partitions.ToList()));

    public void Resume(IEnumerable<TopicPartition> partitions) => Enqueue(new ConsumerCommand.Resume(partitions.ToList()));

    public Task StopAsync()
    {
        Enqueue(ConsumerCommand.Stop.Instance);
        return IsShutdown;
    }

    /// <summary>Connects the running stage: from now on each command wakes it up.</summary>
    internal void Attach(Action wakeUp)
    {
        lock (_gate)
            _wakeUp = wakeUp;
        wakeUp(); // commands queued before the stage started
    }

    internal bool TryTake(out ConsumerCommand command)
    {
        lock (_gate)
            return _commands.TryDequeue(out command!);
    }

    internal void PublishAssignment(IEnumerable<TopicPartition> assignment) => _assignment = assignment.ToArray();

    internal void PublishGeneration(int generation) => Volatile.Write(ref _generation, generation);

    internal void PublishBuffered(int count)
    {
        Volatile.Write(ref _buffered, count);
        if (count > Volatile.Read(ref _peakBuffered))
            Volatile.Write(ref _peakBuffered, count); // only the stage writes: no race between writers
    }

    internal void PublishError(Error? error) => _lastError = error;

    internal void PublishLag(IReadOnlyDictionary<TopicPartition, long> lag) => _lag = lag;

    /// <summary>The stage is gone: fail the queued commands and complete <see cref="IsShutdown"/>.</summary>
    internal void MarkStopped(Exception? failure)
    {
        List<ConsumerCommand> abandoned;
        lock (_gate)
        {
            _stopped = true;
            _wakeUp = null;
            abandoned = [.. _commands];
            _commands.Clear();
        }
        var reason = new InvalidOperationException("The Kafka consumer stage has stopped", failure);
        foreach (var command in abandoned)
            command.Abandon(reason);
        _assignment = [];
        if (failure is null)
            _shutdown.TrySetResult();
        else
            _shutdown.TrySetException(failure);
    }

    private void Enqueue(ConsumerCommand command)
    {
        Action? wakeUp;
        lock (_gate)
        {
            if (_stopped)
            {
                command.Abandon(new InvalidOperationException("The Kafka consumer stage has stopped"));
                return;
            }
            _commands.Enqueue(command);
            wakeUp = _wakeUp;
        }
        try
        {
            wakeUp?.Invoke();
        }
        catch (Exception)
        {
            // The stage stopped between the enqueue and the wake-up: MarkStopped has abandoned the command already.
        }
    }
}
