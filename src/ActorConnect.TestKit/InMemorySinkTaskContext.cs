using System.Collections.Concurrent;
using ActorConnect.Api.Sink;

namespace ActorConnect.TestKit;

/// <summary>
/// The runtime's side of a sink task, for unit tests that call <see cref="SinkTask.Open"/>, <see cref="SinkTask.Put"/>
/// and <see cref="SinkTask.Flush"/> themselves. It keeps what the task asked for so a test can check it: the
/// partitions it paused (<see cref="Paused"/>), rewinds (<see cref="Rewinds"/>), commits (<see cref="CommitRequests"/>)
/// and its retry timeout (<see cref="TimeoutMs"/>). As in the runtime, the test (playing the consumer) sets the
/// assignment with <see cref="Assign"/> and <see cref="Revoke"/>, and a revoked partition is no longer paused.
/// Not thread-safe, like the runtime's: only the task's own thread calls a sink context.
/// </summary>
public sealed class InMemorySinkTaskContext : ISinkTaskContext
{
    private readonly HashSet<TopicPartition> _assignment = [];
    private readonly HashSet<TopicPartition> _paused = [];
    private readonly Dictionary<TopicPartition, long> _rewinds = [];

    /// <summary>A context for a sink task.</summary>
    /// <param name="configs">The task's configuration.</param>
    /// <param name="reportErrantRecords">
    /// Give the task an <see cref="ErrantRecordReporter"/> that keeps what it reports (the runtime gives one when the
    /// connector has a dead-letter queue or <c>errors.log.enable</c>); null otherwise, as in the runtime.
    /// </param>
    public InMemorySinkTaskContext(IReadOnlyDictionary<string, string> configs, bool reportErrantRecords = false)
    {
        Configs = configs;
        ErrantRecords = reportErrantRecords ? new InMemoryErrantRecordReporter() : null;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Configs { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<TopicPartition> Assignment => _assignment;

    /// <summary>The partitions the task paused and has not resumed (nor lost to a <see cref="Revoke"/>).</summary>
    public IReadOnlyCollection<TopicPartition> Paused => _paused;

    /// <summary>The next offset the task asked to read per partition (its latest rewind of each).</summary>
    public IReadOnlyDictionary<TopicPartition, long> Rewinds => _rewinds;

    /// <summary>The task's last <see cref="Timeout"/>, in milliseconds; null when it set none.</summary>
    public long? TimeoutMs { get; private set; }

    /// <summary>How many times the task called <see cref="RequestCommit"/>.</summary>
    public int CommitRequests { get; private set; }

    /// <summary>The reporter given to the task, when the context was made with one.</summary>
    public InMemoryErrantRecordReporter? ErrantRecords { get; }

    /// <inheritdoc />
    public IErrantRecordReporter? ErrantRecordReporter => ErrantRecords;

    /// <summary>Adds partitions to the assignment, as the consumer does before the runtime calls <see cref="SinkTask.Open"/>.</summary>
    public void Assign(params TopicPartition[] partitions) => _assignment.UnionWith(partitions);

    /// <summary>Removes partitions from the assignment (and from <see cref="Paused"/>), as a rebalance does before <see cref="SinkTask.Close"/>.</summary>
    public void Revoke(params TopicPartition[] partitions)
    {
        _assignment.ExceptWith(partitions);
        _paused.ExceptWith(partitions);
    }

    /// <inheritdoc />
    public void Offset(IReadOnlyDictionary<TopicPartition, long> offsets)
    {
        foreach (var (partition, offset) in offsets)
        {
            Offset(partition, offset);
        }
    }

    /// <inheritdoc />
    public void Offset(TopicPartition partition, long offset) => _rewinds[partition] = offset;

    /// <inheritdoc />
    public void Timeout(long timeoutMs) => TimeoutMs = timeoutMs;

    /// <inheritdoc />
    public void Pause(params TopicPartition[] partitions) => _paused.UnionWith(partitions);

    /// <inheritdoc />
    public void Resume(params TopicPartition[] partitions) => _paused.ExceptWith(partitions);

    /// <inheritdoc />
    public void RequestCommit() => CommitRequests++;
}

/// <summary>Keeps the records a sink task reported as errant, with their errors; every report completes at once.</summary>
public sealed class InMemoryErrantRecordReporter : IErrantRecordReporter
{
    private readonly ConcurrentQueue<(SinkRecord Record, Exception Error)> _reported = new();

    /// <summary>What the task reported, in order.</summary>
    public IReadOnlyList<(SinkRecord Record, Exception Error)> Reported => _reported.ToArray();

    /// <inheritdoc />
    public Task Report(SinkRecord record, Exception error)
    {
        _reported.Enqueue((record, error));
        return Task.CompletedTask;
    }
}
