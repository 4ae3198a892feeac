using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Plugins;
using Akka.Actor;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// The worker's handling of what connectors used and where they are: active topics, and offsets, which change only
/// while the connector is STOPPED (the I/O runs off the mailbox, in <see cref="ConnectorOffsetsAdmin"/>).
/// </summary>
public sealed partial class WorkerActor
{
    private void OnGetActiveTopics(ConnectorEntry e)
    {
        if (!_services.Worker.TopicTracking)
        {
            Sender.Tell(Failure(new ForbiddenException($"Topic tracking is disabled: set {WorkerConfig.TopicTrackingEnable}=true in the worker config to see a connector's topics.")));
            return;
        }

        Sender.Tell(new WorkerProtocol.ActiveTopics(e.Name, e.ActiveTopics.ToList()));
    }

    private void OnResetActiveTopics(ConnectorEntry e)
    {
        if (!_services.Worker.TopicTracking || !_services.Worker.TopicTrackingReset)
        {
            var key = _services.Worker.TopicTracking ? WorkerConfig.TopicTrackingAllowReset : WorkerConfig.TopicTrackingEnable;
            Sender.Tell(Failure(new ForbiddenException($"Topic tracking reset is disabled: set {key}=true in the worker config to allow it.")));
            return;
        }

        e.ActiveTopics.Clear();
        Sender.Tell(new Akka.Actor.Status.Success(e.Name));
    }

    /// <summary>Offsets change only while the connector is STOPPED, as in Kafka Connect, so no task races the change.</summary>
    private void ChangeOffsets(string name, Func<ConnectorEntry, ConnectorPlugin, Task<string>> change) => WithConnector(name, e => WithPlugin(e, plugin =>
    {
        if (e.Target != TargetState.Stopped || e.Supervisor is null)
        {
            Sender.Tell(Failure(ConnectorRequests.NotStopped(name)));
            return;
        }

        if (e.OffsetsChanging)
        {
            Sender.Tell(Failure(new ConflictException($"Another change of the offsets of connector {name} is under way; try again when it has completed")));
            return;
        }

        e.OffsetsChanging = true;
        var self = Self;
        e.Supervisor.Ask<ConnectorProtocol.TargetStateApplied>(new ConnectorProtocol.SetTargetState(TargetState.Stopped), _services.Worker.TaskShutdownTimeout + QueryTimeout)
            .ContinueWith(_ => change(e, plugin)).Unwrap()
            .ContinueWith(t =>
            {
                self.Tell(new OffsetsChangeDone(name));
                return t.IsCompletedSuccessfully ? (object)new WorkerProtocol.OffsetsChanged(t.Result) : Failure(t.Exception);
            })
            .PipeTo(Sender);
    }));
}
