using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Akka.Actor;

namespace ActorConnect.Cluster.Worker;

/// <summary>
/// What the distributed worker reaches elsewhere: active topics (kept by the connector's entity), offsets (in the
/// offsets topic and the consumer groups, which another node may have just changed), and the other workers, for a
/// logger level set with cluster scope.
/// </summary>
public sealed partial class ClusterWorkerActor
{
    void IWorkerMode.GetActiveTopics(ConnectorView connector) => AskEntity(connector.Name, ConnectorEntityProtocol.GetActiveTopics.Instance);

    void IWorkerMode.ResetActiveTopics(ConnectorView connector) => AskEntity(connector.Name, ConnectorEntityProtocol.ResetActiveTopics.Instance);

    // Another node may have flushed them a moment ago: read the topic to its end first.
    Task IWorkerMode.BeforeOffsetsReadAsync() => _cluster.Offsets.ReadToEndAsync();

    /// <summary>Its entity, wherever it runs, confirms the stored STOPPED has been applied: its tasks have stopped.</summary>
    Task IWorkerMode.ConfirmStoppedAsync(ConnectorView connector)
    {
        var name = connector.Name;
        return _region.Ask<ConnectorEntityProtocol.Applied>(new ConnectorEntityProtocol.Envelope(name, ConnectorEntityProtocol.Refresh.Instance), EntityTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully && t.Result.Target == TargetState.Stopped
                ? Task.CompletedTask
                : Task.FromException(new ConflictException($"Connector {name} did not confirm it is STOPPED; try again")))
            .Unwrap();
    }

    /// <summary>
    /// Every other member's worker, at this actor's path on that node (Kafka Connect's KIP-976 reaches them through
    /// the config topic; the cluster's members are the workers here). A member still joining gets it only if it is
    /// already up, as KIP-976's workers ignore the levels written before they started.
    /// </summary>
    void IWorkerMode.SpreadLoggerLevel(WorkerProtocol.ApplyLoggerLevel level)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var path = Self.Path.ToStringWithoutAddress();
        foreach (var member in cluster.State.Members)
        {
            if (member.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp && !member.Address.Equals(cluster.SelfAddress))
            {
                Context.ActorSelection(member.Address + path).Tell(level, ActorRefs.NoSender);
            }
        }
    }
}
