using ActorConnect.Api.Errors;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Standalone;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Cluster.Worker;

/// <summary>
/// "The worker" of a distributed node: answers the same <see cref="WorkerProtocol"/> as the standalone
/// <see cref="WorkerActor"/>, so the REST API works unchanged on any node. Reads come from this node's view of the
/// config and status topics, which every node reads, so every node answers alike. Writes are validated here, stored
/// in the config topic, and reach the connector's entity (wherever sharding placed it) through the shard region;
/// requests that need the running connector (restarts, target states, deletion) are answered when its entity has
/// applied them. What both modes answer alike is the <see cref="WorkerCore"/>'s; this actor is its distributed
/// <see cref="IWorkerMode"/>.
/// </summary>
public sealed partial class ClusterWorkerActor : ReceiveActor, IWorkerMode
{
    private readonly ClusterServices _cluster;
    private readonly IActorRef _region;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Names with a write to the config topic under way from this node: a second create of the same name is refused
    // before the first one's record is back from the topic.
    private readonly HashSet<string> _writing = new(StringComparer.Ordinal);
    private IActorRef? _handOver;

    public ClusterWorkerActor(ClusterServices cluster, IActorRef region)
    {
        _cluster = cluster;
        _region = region;
        var core = new WorkerCore(Context, cluster.Tasks, this, _log);

        // A node that may not run anything (not yet in its group's cluster, or standing down for another) answers no
        // request about connectors: its view may be another cluster's, and its writes would reach the config topic.
        Receive<object>(m => _cluster.Entities.RunsNothing is not null && WorkerCore.AboutConnectors(m),
            _ => Sender.Tell(WorkerCore.Failure(new WorkerUnavailableException($"This worker runs nothing: {_cluster.Entities.RunsNothing?.Reason}. Ask another worker of the cluster"))));
        Receive<WriteDone>(m => _writing.Remove(m.Name));
        Receive<ConnectorEntityProtocol.Applied>(_ => { });
        Receive<object>(core.Handle);
    }

    public static Props Props(ClusterServices cluster, IActorRef region) =>
        Akka.Actor.Props.Create(() => new ClusterWorkerActor(cluster, region));

    private TimeSpan EntityTimeout => _cluster.Settings.EntityAskTimeout + _cluster.Tasks.Worker.TaskShutdownTimeout;

    /// <summary>This node's connectors and tasks hand over to the other nodes (offsets flushed), once, whoever asks first.</summary>
    private IActorRef HandOver() => _handOver ??= Context.ActorOf(
        NodeHandOver.Props([_region, _cluster.TaskRegion(Context.System)], _cluster.Entities, _cluster.Settings.HandOverGrace, EntityTimeout,
            _cluster.Settings.HandOverSettle),
        "hand-over");

    ConnectorView? IWorkerMode.Find(string name) => _cluster.Configs.Read(name) is { } stored ? View(stored) : null;

    IReadOnlyList<ConnectorView> IWorkerMode.All() => _cluster.Configs.ReadAll().Select(View).ToList();

    bool IWorkerMode.Exists(string name) => _writing.Contains(name) || _cluster.Configs.Read(name) is not null;

    /// <summary>From the status topic, which every node reads, so every node answers alike.</summary>
    Task<ConnectorStatus> IWorkerMode.StatusAsync(ConnectorView connector)
    {
        var record = _cluster.Statuses.Connector(connector.Name);
        var tasks = _cluster.Statuses.Tasks(connector.Name).Select(t => t.ToTaskStatus()).ToList();
        return Task.FromResult(new ConnectorStatus(
            connector.Name,
            record?.State ?? (connector.Target == TargetState.Stopped ? ConnectState.Stopped : ConnectState.Unassigned),
            record?.WorkerId ?? string.Empty,
            connector.Type,
            record?.Trace,
            tasks));
    }

    void IWorkerMode.GetTaskStatus(ConnectorView connector, int task)
    {
        if (_cluster.Statuses.Tasks(connector.Name).FirstOrDefault(t => t.Task == task) is { } record)
        {
            Sender.Tell(record.ToTaskStatus());
        }
        else
        {
            Sender.Tell(WorkerCore.Failure(new NotFoundException($"No status found for task {connector.Name}-{task}")));
        }
    }

    /// <summary>From the config topic, where the connector's entity wrote them.</summary>
    Task<IReadOnlyList<TaskInfo>> IWorkerMode.TaskConfigsAsync(ConnectorView connector) => Task.FromResult<IReadOnlyList<TaskInfo>>(
        _cluster.Configs.TaskConfigs(connector.Name).Select((config, i) => new TaskInfo(new ConnectorTaskId(connector.Name, i), config)).ToList());

    WorkerProtocol.Healthy IWorkerMode.Health(WorkerProtocol.Healthy healthy) => healthy with
    {
        RunsNothing = _cluster.Entities.RunsNothing?.Reason,
        Starting = _cluster.Entities.RunsNothing?.Starting ?? false,
    };

    void IWorkerMode.Shutdown() => HandOver().Forward(WorkerProtocol.Shutdown.Instance);

    void IWorkerMode.Restart(ConnectorView connector, bool includeTasks, bool onlyFailed) =>
        AskEntity(connector.Name, new ConnectorEntityProtocol.Restart(includeTasks, onlyFailed));

    /// <summary>
    /// The plugin is resolved from this node's plugins each time: a node whose plugin.path lacks the connector still
    /// answers about it, as unloadable.
    /// </summary>
    private ConnectorView View(StoredConnector stored)
    {
        try
        {
            var className = stored.Config.GetValueOrDefault(ConnectorConfig.ConnectorClass) ?? throw new ConfigException("connector.class is missing");
            return new ConnectorView(stored.Name, stored.Config, stored.TargetState, _cluster.Tasks.Plugins.Resolve(className), null);
        }
        catch (ConnectException e)
        {
            return new ConnectorView(stored.Name, stored.Config, stored.TargetState, null, e);
        }
    }

    /// <summary>Sends a request to the connector's entity, wherever it runs, and pipes its reply (or failure) to the requester.</summary>
    private void AskEntity(string name, object message)
    {
        _region.Ask<object>(new ConnectorEntityProtocol.Envelope(name, message), EntityTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : WorkerCore.Failure(t.Exception))
            .PipeTo(Sender);
    }

    /// <summary>A task restarts on whichever node runs it: its own entity, reached through the task region.</summary>
    void IWorkerMode.RestartTask(ConnectorView connector, int task)
    {
        var count = _cluster.Configs.TaskConfigs(connector.Name).Count;
        if (task < 0 || task >= count)
        {
            Sender.Tell(WorkerCore.Failure(new NotFoundException($"Task {connector.Name}-{task} not found: connector {connector.Name} has {count} task(s)")));
            return;
        }

        _cluster.TaskRegion(Context.System).Ask<object>(new TaskEntityProtocol.Envelope(connector.Name, task, TaskEntityProtocol.Restart.Instance), EntityTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : WorkerCore.Failure(t.Exception))
            .PipeTo(Sender);
    }
}
