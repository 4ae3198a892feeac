using ActorConnect.Runtime.Model;

namespace ActorConnect.Cluster.Storage;

/// <summary>
/// One connector's or task's status as the status topic keeps it. <paramref name="Generation"/> grows with every
/// (re)start of the instance, so a late write from an instance that has since moved to another worker cannot
/// overwrite the newer one.
/// </summary>
public sealed record StatusRecord(
    string Connector,
    int? Task,
    ConnectState State,
    string WorkerId,
    long Generation,
    string? Trace = null,
    int RestartCount = 0,
    DateTimeOffset? LastFailure = null,
    string? LastError = null)
{
    /// <summary>The status topic key: <c>status-connector-{name}</c> or <c>status-task-{name}-{n}</c>.</summary>
    public string Key => Task is { } task ? $"status-task-{Connector}-{task}" : $"status-connector-{Connector}";

    /// <summary>The task's status in the runtime's model (connector records have no task number).</summary>
    public ConnectorTaskStatus ToTaskStatus() => new(Task ?? -1, State, WorkerId, Trace, RestartCount, LastFailure, LastError);
}
