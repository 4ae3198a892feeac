using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;

namespace ActorConnect.Runtime.Connectors;

/// <summary>A supervisor's record of one task: its config, its current actor and what its failures have been.</summary>
internal sealed class TaskSlot(ConnectorTaskId id, IReadOnlyDictionary<string, string> config)
{
    private readonly Queue<DateTimeOffset> _failures = new();

    public ConnectorTaskId Id { get; } = id;

    public IReadOnlyDictionary<string, string> Config { get; } = config;

    public IActorRef? Actor { get; set; }

    public TaskHandle? Handle { get; set; }

    /// <summary>Bumped on every (re)start, so a stale backoff timer for an older incarnation is ignored.</summary>
    public int Generation { get; set; }

    public ConnectState State { get; set; } = ConnectState.Unassigned;

    public string? Trace { get; set; }

    public string? LastError { get; set; }

    /// <summary>The worker cannot reach Kafka (why, since when): what a RUNNING task without a problem of its own waits for.</summary>
    public string? KafkaProblem { get; set; }

    public int RestartCount { get; set; }

    public DateTimeOffset? LastFailure { get; set; }

    public Exception? PendingFailure { get; set; }

    /// <summary>Records a failure and returns how many fell within the window.</summary>
    public int RecordFailure(DateTimeOffset now, TimeSpan window)
    {
        _failures.Enqueue(now);
        while (_failures.Count > 0 && now - _failures.Peek() > window)
        {
            _failures.Dequeue();
        }

        LastFailure = now;
        return _failures.Count;
    }

    public void ResetFailures() => _failures.Clear();

    public ConnectorTaskStatus ToStatus(string workerId) =>
        new(Id.Task, State, workerId, Trace, RestartCount, LastFailure, LastError ?? (State == ConnectState.Running ? KafkaProblem : null));
}
