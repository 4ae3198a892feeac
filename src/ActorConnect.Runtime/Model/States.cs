namespace ActorConnect.Runtime.Model;

/// <summary>Kafka Connect's task and connector states, with the same names in the REST API.</summary>
public enum ConnectState
{
    Unassigned,
    Running,
    Paused,
    Failed,
    Restarting,
    Stopped,
}

/// <summary>One task's status: its state, its worker, and for a failure the root cause first.</summary>
/// <param name="Id">The task number within its connector.</param>
/// <param name="State">The state.</param>
/// <param name="WorkerId">The worker running it.</param>
/// <param name="Trace">For FAILED/RESTARTING: the root cause on the first line, then the full exception.</param>
/// <param name="RestartCount">How many times the supervisor restarted it after a failure.</param>
/// <param name="LastFailure">When it last failed.</param>
/// <param name="LastError">A retriable problem it is waiting out while RUNNING (broker unreachable, source file missing).</param>
public sealed record ConnectorTaskStatus(int Id, ConnectState State, string WorkerId, string? Trace = null, int RestartCount = 0, DateTimeOffset? LastFailure = null, string? LastError = null);

/// <summary>A connector's status with its tasks'.</summary>
public sealed record ConnectorStatus(string Name, ConnectState State, string WorkerId, string Type, string? Trace, IReadOnlyList<ConnectorTaskStatus> Tasks)
{
    /// <summary>True when any task is FAILED: reported in the connector's own entry, beyond Kafka Connect.</summary>
    public bool HasFailedTasks => Tasks.Any(t => t.State == ConnectState.Failed);
}
