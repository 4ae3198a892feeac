using ActorConnect.Runtime.Model;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Thrown out of a task actor so its supervisor learns which task failed and why: the supervisor's decider reads
/// the id to record status, and the root cause travels as the inner exception.
/// </summary>
public sealed class TaskFailedException(ConnectorTaskId id, Exception cause)
    : Exception($"Task {id} failed: {cause.Message}", cause)
{
    public ConnectorTaskId Id { get; } = id;
}
