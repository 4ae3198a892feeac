namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// A task's identity: its connector and its number, as Kafka Connect's ConnectorTaskId. A cluster message because a
/// task supervisor answers a restart with <c>Status.Success(id)</c>, which crosses nodes when the restart came from one.
/// </summary>
public sealed record ConnectorTaskId(string Connector, int Task) : Wire.IClusterMessage
{
    public override string ToString() => $"{Connector}-{Task}";
}

/// <summary>
/// Thrown out of a task actor so its supervisor learns which task failed and why: the supervisor's decider reads
/// the id to record status, and the root cause travels as the inner exception.
/// </summary>
public sealed class TaskFailedException(ConnectorTaskId id, Exception cause)
    : Exception($"Task {id} failed: {cause.Message}", cause)
{
    public ConnectorTaskId Id { get; } = id;
}
