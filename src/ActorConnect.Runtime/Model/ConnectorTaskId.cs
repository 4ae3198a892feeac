namespace ActorConnect.Runtime.Model;

/// <summary>
/// A task's identity: its connector and its number, as Kafka Connect's ConnectorTaskId. A cluster message because a
/// task supervisor answers a restart with <c>Status.Success(id)</c>, which crosses nodes when the restart came from one.
/// </summary>
public sealed record ConnectorTaskId(string Connector, int Task) : Wire.IClusterMessage
{
    public override string ToString() => $"{Connector}-{Task}";
}
