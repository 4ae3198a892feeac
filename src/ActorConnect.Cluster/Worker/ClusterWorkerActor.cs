using ActorConnect.Api.Errors;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Tasks;
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
/// applied them.
/// </summary>
public sealed partial class ClusterWorkerActor : ReceiveActor
{
    private readonly ClusterServices _cluster;
    private readonly IActorRef _region;
    private readonly ConnectorOffsetsAdmin _offsets;
    private readonly Runtime.Validation.ConnectorConfigValidator _validator;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Names with a write to the config topic under way from this node: a second create of the same name is refused
    // before the first one's record is back from the topic.
    private readonly HashSet<string> _writing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _offsetsChanging = new(StringComparer.Ordinal);
    private IActorRef? _handOver;

    public ClusterWorkerActor(ClusterServices cluster, IActorRef region)
    {
        _cluster = cluster;
        _region = region;
        var log = _log;
        _offsets = new ConnectorOffsetsAdmin(cluster.Tasks, line => log.Warning(line));
        _validator = new Runtime.Validation.ConnectorConfigValidator(cluster.Tasks.Plugins, cluster.Tasks.Worker.ClientConfigOverridePolicy);

        // A node that may not run anything (not yet in its group's cluster, or standing down for another) answers no
        // request about connectors: its view may be another cluster's, and its writes would reach the config topic.
        Receive<object>(m => _cluster.Entities.RunsNothing is not null && AboutConnectors(m),
            _ => Sender.Tell(Failure(new WorkerUnavailableException($"This worker runs nothing: {_cluster.Entities.RunsNothing?.Reason}. Ask another worker of the cluster"))));
        Receive<WorkerProtocol.CreateConnector>(OnCreate);
        Receive<WorkerProtocol.PutConnectorConfig>(OnPut);
        Receive<WorkerProtocol.PatchConnectorConfig>(OnPatch);
        Receive<Validated>(m => m.Then(m.Config, m.Plugin));
        Receive<Rejected>(m => Sender.Tell(Failure(m.Cause)));
        Receive<WriteDone>(m => _writing.Remove(m.Name));
        Receive<WorkerProtocol.DeleteConnector>(OnDelete);
        Receive<WorkerProtocol.SetTargetState>(OnSetTargetState);
        Receive<WorkerProtocol.RestartConnector>(m => WithConnector(m.Name, _ => AskEntity(m.Name, new ConnectorEntityProtocol.Restart(m.IncludeTasks, m.OnlyFailed))));
        Receive<WorkerProtocol.RestartTask>(m => WithConnector(m.Name, s => OnRestartTask(s, m.Task)));
        Receive<WorkerProtocol.GetConnectorStatus>(m => WithConnector(m.Name, s => Sender.Tell(StatusOf(s))));
        Receive<WorkerProtocol.GetTaskStatus>(m => WithConnector(m.Name, s => OnGetTaskStatus(s, m.Task)));
        Receive<WorkerProtocol.GetConnectorInfo>(m => WithConnector(m.Name, s => Sender.Tell(InfoOf(s))));
        Receive<WorkerProtocol.GetConnectorConfig>(m => WithConnector(m.Name, s => Sender.Tell(s.Config)));
        Receive<WorkerProtocol.GetTaskConfigs>(m => WithConnector(m.Name, s => Sender.Tell(TaskConfigsOf(s.Name))));
        Receive<WorkerProtocol.ListConnectors>(_ => Sender.Tell(_cluster.Configs.ReadAll().Select(c => c.Name).ToList()));
        Receive<WorkerProtocol.GetAllStatus>(_ => Sender.Tell(_cluster.Configs.ReadAll().Select(StatusOf).ToList()));
        Receive<WorkerProtocol.GetActiveTopics>(m => WithConnector(m.Name, OnGetActiveTopics));
        Receive<WorkerProtocol.ResetActiveTopics>(m => WithConnector(m.Name, OnResetActiveTopics));
        Receive<WorkerProtocol.GetOffsets>(m => WithConnector(m.Name, OnGetOffsets));
        Receive<WorkerProtocol.AlterOffsets>(m => ChangeOffsets(m.Name, (s, p) => _offsets.AlterAsync(s.Name, p, s.Config, m.Offsets)));
        Receive<WorkerProtocol.ResetOffsets>(m => ChangeOffsets(m.Name, (s, p) => _offsets.ResetAsync(s.Name, p, s.Config)));
        Receive<OffsetsChangeDone>(m => _offsetsChanging.Remove(m.Name));
        Receive<WorkerProtocol.ValidateConfig>(m =>
        {
            var providers = _cluster.Tasks.Providers;
            var validator = _validator;
            Task.Run(() => (object)validator.Validate(m.Plugin, m.Config, providers))
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : Failure(t.Exception))
                .PipeTo(Sender);
        });
        Receive<WorkerProtocol.ListPlugins>(m => Sender.Tell(_cluster.Tasks.Plugins.ListPlugins(m.ConnectorsOnly)));
        Receive<WorkerProtocol.GetPluginConfig>(m =>
        {
            try
            {
                Sender.Tell(_cluster.Tasks.Plugins.PluginConfig(m.Plugin));
            }
            catch (ConnectException e)
            {
                Sender.Tell(Failure(e));
            }
        });
        Receive<WorkerProtocol.GetWorkerInfo>(_ => Sender.Tell(WorkerInfoReader.Read()));
        Receive<WorkerProtocol.GetHealth>(_ => Sender.Tell(WorkerProtocol.Healthy.Of(_cluster.Tasks) with
        {
            RunsNothing = _cluster.Entities.RunsNothing?.Reason,
            Starting = _cluster.Entities.RunsNothing?.Starting ?? false,
        }));
        Receive<WorkerProtocol.Shutdown>(_ => HandOver().Forward(WorkerProtocol.Shutdown.Instance));
        Receive<ConnectorEntityProtocol.Applied>(_ => { });
    }

    public static Props Props(ClusterServices cluster, IActorRef region) =>
        Akka.Actor.Props.Create(() => new ClusterWorkerActor(cluster, region));

    /// <summary>A <see cref="WorkerProtocol"/> request about connectors; plugins, validation, worker info, health and shutdown are not.</summary>
    private static bool AboutConnectors(object message) =>
        message.GetType().DeclaringType == typeof(WorkerProtocol)
        && message is not (WorkerProtocol.ValidateConfig or WorkerProtocol.ListPlugins or WorkerProtocol.GetPluginConfig or WorkerProtocol.GetWorkerInfo
            or WorkerProtocol.GetHealth or WorkerProtocol.Shutdown);

    private TimeSpan EntityTimeout => _cluster.Settings.EntityAskTimeout + _cluster.Tasks.Worker.TaskShutdownTimeout;

    /// <summary>This node's connectors and tasks hand over to the other nodes (offsets flushed), once, whoever asks first.</summary>
    private IActorRef HandOver() => _handOver ??= Context.ActorOf(
        NodeHandOver.Props([_region, _cluster.TaskRegion(Context.System)], _cluster.Entities, _cluster.Settings.HandOverGrace, EntityTimeout),
        "hand-over");

    private ConnectorStatus StatusOf(StoredConnector stored)
    {
        var record = _cluster.Statuses.Connector(stored.Name);
        var tasks = _cluster.Statuses.Tasks(stored.Name).Select(t => t.ToTaskStatus()).ToList();
        return new ConnectorStatus(
            stored.Name,
            record?.State ?? (stored.TargetState == TargetState.Stopped ? ConnectState.Stopped : ConnectState.Unassigned),
            record?.WorkerId ?? string.Empty,
            TypeOf(stored.Config),
            record?.Trace,
            tasks);
    }

    private void OnGetTaskStatus(StoredConnector stored, int task)
    {
        if (_cluster.Statuses.Tasks(stored.Name).FirstOrDefault(t => t.Task == task) is { } record)
        {
            Sender.Tell(record.ToTaskStatus());
        }
        else
        {
            Sender.Tell(Failure(new NotFoundException($"No status found for task {stored.Name}-{task}")));
        }
    }

    private ConnectorInfo InfoOf(StoredConnector stored) =>
        new(stored.Name, stored.Config, TaskConfigsOf(stored.Name).Select(t => t.Id).ToList(), TypeOf(stored.Config));

    private IReadOnlyList<TaskInfo> TaskConfigsOf(string name) =>
        _cluster.Configs.TaskConfigs(name).Select((config, i) => new TaskInfo(new ConnectorTaskId(name, i), config)).ToList();

    private string TypeOf(IReadOnlyDictionary<string, string> config) =>
        config.GetValueOrDefault(ConnectorConfig.ConnectorClass) is { } className && _cluster.Tasks.Plugins.TryResolve(className) is { } plugin
            ? plugin.IsSource ? "source" : "sink"
            : "unknown";

    /// <summary>Sends a request to the connector's entity, wherever it runs, and pipes its reply (or failure) to the requester.</summary>
    private void AskEntity(string name, object message)
    {
        _region.Ask<object>(new ConnectorEntityProtocol.Envelope(name, message), EntityTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : Failure(t.Exception))
            .PipeTo(Sender);
    }

    /// <summary>A task restarts on whichever node runs it: its own entity, reached through the task region.</summary>
    private void OnRestartTask(StoredConnector stored, int task)
    {
        var count = _cluster.Configs.TaskConfigs(stored.Name).Count;
        if (task < 0 || task >= count)
        {
            Sender.Tell(Failure(new NotFoundException($"Task {stored.Name}-{task} not found: connector {stored.Name} has {count} task(s)")));
            return;
        }

        _cluster.TaskRegion(Context.System).Ask<object>(new TaskEntityProtocol.Envelope(stored.Name, task, TaskEntityProtocol.Restart.Instance), EntityTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : Failure(t.Exception))
            .PipeTo(Sender);
    }

    private void WithConnector(string name, Action<StoredConnector> action)
    {
        if (_cluster.Configs.Read(name) is { } stored)
        {
            action(stored);
        }
        else
        {
            Sender.Tell(Failure(new NotFoundException($"Connector {name} not found")));
        }
    }

    private void WithPlugin(StoredConnector stored, Action<ConnectorPlugin> action)
    {
        try
        {
            var className = stored.Config.GetValueOrDefault(ConnectorConfig.ConnectorClass) ?? throw new ConfigException("connector.class is missing");
            action(_cluster.Tasks.Plugins.Resolve(className));
        }
        catch (ConnectException e)
        {
            Sender.Tell(Failure(new ConflictException($"Connector {stored.Name} could not be loaded ({e.Message}); fix or delete it first")));
        }
    }

    private static Status.Failure Failure(Exception? e) =>
        new(e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : e ?? new TimeoutException("The request timed out"));

    private sealed record OffsetsChangeDone(string Name);
}
