using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using Akka.Actor;

namespace ActorConnect.Cluster.Worker;

/// <summary>
/// What connectors used and where they are: active topics (kept by the entity) and offsets (source offsets in the
/// offsets topic, sink offsets in the consumer group), which change only while the connector is STOPPED.
/// </summary>
public sealed partial class ClusterWorkerActor
{
    private void OnGetActiveTopics(StoredConnector stored)
    {
        if (!_cluster.Tasks.Worker.TopicTracking)
        {
            Sender.Tell(Failure(new ForbiddenException($"Topic tracking is disabled: set {WorkerConfig.TopicTrackingEnable}=true in the worker config to see a connector's topics.")));
            return;
        }

        AskEntity(stored.Name, ConnectorEntityProtocol.GetActiveTopics.Instance);
    }

    private void OnResetActiveTopics(StoredConnector stored)
    {
        var worker = _cluster.Tasks.Worker;
        if (!worker.TopicTracking || !worker.TopicTrackingReset)
        {
            var key = worker.TopicTracking ? WorkerConfig.TopicTrackingAllowReset : WorkerConfig.TopicTrackingEnable;
            Sender.Tell(Failure(new ForbiddenException($"Topic tracking reset is disabled: set {key}=true in the worker config to allow it.")));
            return;
        }

        AskEntity(stored.Name, ConnectorEntityProtocol.ResetActiveTopics.Instance);
    }

    private void OnGetOffsets(StoredConnector stored) => WithPlugin(stored, plugin =>
    {
        var (offsets, admin) = (_cluster.Offsets, _offsets);
        // Another node may have flushed them a moment ago: read the topic to its end first.
        offsets.ReadToEndAsync()
            .ContinueWith(_ => admin.ReadAsync(stored.Name, plugin, stored.Config)).Unwrap()
            .ContinueWith(t => t.IsCompletedSuccessfully ? (object)new WorkerProtocol.ConnectorOffsets(t.Result) : Failure(t.Exception))
            .PipeTo(Sender);
    });

    /// <summary>
    /// Offsets change only while the connector is STOPPED, as in Kafka Connect: the stored target state says so, and
    /// its entity confirms its tasks have stopped before the change.
    /// </summary>
    private void ChangeOffsets(string name, Func<StoredConnector, ConnectorPlugin, Task<string>> change) => WithConnector(name, stored => WithPlugin(stored, plugin =>
    {
        if (stored.TargetState != TargetState.Stopped)
        {
            Sender.Tell(Failure(ConnectorRequests.NotStopped(name)));
            return;
        }

        if (!_offsetsChanging.Add(name))
        {
            Sender.Tell(Failure(new ConflictException($"Another change of the offsets of connector {name} is under way; try again when it has completed")));
            return;
        }

        var self = Self;
        _region.Ask<ConnectorEntityProtocol.Applied>(new ConnectorEntityProtocol.Envelope(name, ConnectorEntityProtocol.Refresh.Instance), EntityTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully && t.Result.Target == TargetState.Stopped
                ? change(stored, plugin)
                : Task.FromException<string>(new ConflictException($"Connector {name} did not confirm it is STOPPED; try again")))
            .Unwrap()
            .ContinueWith(t =>
            {
                self.Tell(new OffsetsChangeDone(name));
                return t.IsCompletedSuccessfully ? (object)new WorkerProtocol.OffsetsChanged(t.Result) : Failure(t.Exception);
            })
            .PipeTo(Sender);
    }));
}
