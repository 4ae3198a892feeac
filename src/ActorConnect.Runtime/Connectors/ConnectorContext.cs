using ActorConnect.Api.Connector;
using Akka.Actor;

namespace ActorConnect.Runtime.Connectors;

/// <summary>The connector's way back to its supervisor: plain method calls turned into messages, safe from any thread.</summary>
internal sealed class ConnectorContext(IActorRef supervisor) : IConnectorContext
{
    public void RequestTaskReconfiguration() => supervisor.Tell(ConnectorProtocol.Reconfigure.Instance);

    public void RaiseError(Exception error) => supervisor.Tell(new ConnectorProtocol.RaiseError(error));
}
