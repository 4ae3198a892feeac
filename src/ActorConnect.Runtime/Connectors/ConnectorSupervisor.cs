using System.Reflection;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.States;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// One per connector: starts the connector, asks it for task configs, and (with local tasks, as in standalone mode)
/// spawns one <see cref="TaskSupervisor"/> per config, which runs the task and decides its restarts. In distributed
/// mode the tasks are placed by cluster sharding instead: the supervisor then runs only the connector and tells its
/// parent each new set of task configs (<see cref="ConnectorProtocol.TaskConfigsGenerated"/>). A failing task never
/// touches another connector: each connector has its own supervisor and the worker only escalates nothing.
/// <code>
///   (start) --target STOPPED--> Stopped --SetTargetState(Started|Paused): connector starts--> Running (RUNNING or PAUSED)
///   (start) --target Started|Paused: connector starts--> Running;  connector start throws --> Failed (no tasks)
///   Running --Reconfigure(changed), Restart with new configs--> Reconfiguring --all tasks stopped, new ones started--> Running
///   Running --RaiseError, or a restart or reconfiguration throws--> Failed --Restart: connector starts--> Running
///   Running/Failed/Reconfiguring --SetTargetState(Stopped)--> Stopping --all tasks stopped, connector.stop--> Stopped
///   Stopping --all stopped, target no longer STOPPED--> Stopped --connector starts--> Running
///   any --Shutdown--> ShuttingDown --all tasks stopped--> (connector.stop, actor stops)
/// </code>
/// The lifecycle's state is what the supervisor is doing; the status it reports (<see cref="ConnectState"/>) stays
/// what users see: a connector that raised an error while reconfiguring reports FAILED and comes back to Failed. The
/// moves and the messages only some states accept are <see cref="Rules"/>: an illegal one is logged and refused.
/// </summary>
public sealed partial class ConnectorSupervisor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyDictionary<string, string> _config;
    private readonly ConnectorPlugin _plugin;
    private readonly TaskServices _services;
    private readonly int _maxTasks;
    private readonly bool _localTasks;
    private readonly ILoggingAdapter _log;
    private readonly Lifecycle<Phase> _life;
    private readonly Dictionary<int, LocalTask> _tasks = new();
    private readonly Dictionary<IActorRef, LocalTask> _byActor = new();
    private IReadOnlyList<IReadOnlyDictionary<string, string>> _taskConfigs = [];
    private ConnectorInstance? _instance;
    private ConnectState _state = ConnectState.Unassigned;
    private TargetState _target;
    private string? _trace;
    private List<IActorRef>? _stopWaiters;
    private IReadOnlyList<IReadOnlyDictionary<string, string>>? _pendingConfigs;
    private string? _lastStatus;

    public ConnectorSupervisor(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, TaskServices services, int maxTasks, TargetState target, bool localTasks)
    {
        Name = name;
        _log = Logging.ConnectLogging.ForConnector(Context, name, services.Providers.Secrets);
        _config = config;
        _plugin = plugin;
        _services = services;
        _maxTasks = maxTasks;
        _target = target;
        _localTasks = localTasks;
        _life = new Lifecycle<Phase>(Rules, Phase.Stopped, _log, () => $"Connector {name}");

        Receive<ConnectorProtocol.GetStatus>(_ => Sender.Tell(BuildStatus()));
        Receive<ConnectorProtocol.GetTaskStatus>(OnGetTaskStatus);
        Receive<ConnectorProtocol.GetTaskConfigs>(_ => Sender.Tell(_taskConfigs.Select((c, i) => new TaskInfo(new ConnectorTaskId(Name, i), c)).ToList()));
        Receive<TaskSupervisorProtocol.StatusChanged>(OnTaskStatusChanged);
        Receive<TaskProtocol.TopicUsed>(m => Context.Parent.Tell(new ConnectorProtocol.TopicUsed(Name, m.Topic)));
        Receive<Terminated>(OnTerminated);
        Receive<ConnectorProtocol.Reconfigure>(_ => Reconfigure());
        Receive<ConnectorProtocol.RaiseError>(m => FailConnector(m.Error));
        Receive<ConnectorProtocol.SetTargetState>(OnSetTargetState);
        Receive<ConnectorProtocol.RestartTask>(OnRestartTask);
        // A task supervisor's acknowledgement of a restart by hand: the requester already has its answer.
        Receive<Akka.Actor.Status.Success>(_ => { });
        Receive<ConnectorProtocol.Restart>(OnRestart);
        Receive<ConnectorProtocol.Shutdown>(_ => BeginShutdown());
    }

    public string Name { get; }

    /// <summary>The supervisor's lifecycle: what it is doing with its connector and tasks (the diagram above).</summary>
    public enum Phase
    {
        /// <summary>The connector runs (its target STARTED or PAUSED) and its tasks follow.</summary>
        Running,

        /// <summary>The connector failed (its start threw, or it raised an error); tasks already running keep running.</summary>
        Failed,

        /// <summary>New task configs: the old tasks stop; the new ones start once all have.</summary>
        Reconfiguring,

        /// <summary>Target STOPPED: the tasks stop, then the connector.</summary>
        Stopping,

        /// <summary>Neither the connector nor any task runs (also the state a supervisor is born in).</summary>
        Stopped,

        /// <summary>Shutdown: the tasks stop, then the connector, then the supervisor.</summary>
        ShuttingDown,
    }

    /// <summary>The legal moves, and the messages only some states accept (the others are accepted in every state).</summary>
    public static LifecycleRules<Phase> Rules { get; } = new LifecycleRules<Phase>()
        .Allow(Phase.Stopped, Phase.Running, Phase.Failed, Phase.ShuttingDown)
        .Allow(Phase.Running, Phase.Failed, Phase.Reconfiguring, Phase.Stopping, Phase.ShuttingDown)
        .Allow(Phase.Failed, Phase.Running, Phase.Stopping, Phase.ShuttingDown)
        .Allow(Phase.Reconfiguring, Phase.Running, Phase.Failed, Phase.Stopping, Phase.ShuttingDown)
        .Allow(Phase.Stopping, Phase.Stopped, Phase.ShuttingDown)
        // A stopped connector has no instance to raise an error and no task whose supervisor could terminate.
        .Accept<ConnectorProtocol.RaiseError>(Phase.Running, Phase.Failed, Phase.Reconfiguring, Phase.Stopping, Phase.ShuttingDown)
        .Accept<Terminated>(Phase.Running, Phase.Failed, Phase.Reconfiguring, Phase.Stopping, Phase.ShuttingDown);

    public ITimerScheduler Timers { get; set; } = null!;

    private bool Paused => _target == TargetState.Paused;

    /// <summary>True while every task is being stopped for a reason other than a failure: stopped tasks stay stopped.</summary>
    private bool StoppingAll => _life.Is(Phase.ShuttingDown, Phase.Stopping, Phase.Reconfiguring);

    /// <summary>A supervisor that runs the connector and its tasks on this node (standalone mode).</summary>
    public static Props Props(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, TaskServices services, int maxTasks, TargetState target = TargetState.Started) =>
        Props(name, config, plugin, services, maxTasks, target, localTasks: true);

    /// <summary>
    /// A supervisor; with <paramref name="localTasks"/> false it runs only the connector and reports its task configs
    /// to its parent, which has the tasks run elsewhere (distributed mode).
    /// </summary>
    public static Props Props(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, TaskServices services, int maxTasks, TargetState target, bool localTasks) =>
        Akka.Actor.Props.Create(() => new ConnectorSupervisor(name, config, plugin, services, maxTasks, target, localTasks))
            .WithDispatcher(services.Settings.ConnectorDispatcher);

    // A task supervisor decides about its own task; one that crashes itself is stopped and started again.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Every message may change the status; a listener hears each change once.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = !_life.Admits(message) || base.AroundReceive(receive, message);
        if (_services.StatusListener is { } listener)
        {
            var status = BuildStatus();
            var rendered = Render(status);
            if (rendered != _lastStatus)
            {
                _lastStatus = rendered;
                listener(status);
            }
        }

        return handled;
    }

    protected override void Unhandled(object message) => _life.NotUnderstood(message);

    private static string Render(ConnectorStatus s) =>
        $"{s.State}|{s.Trace}|" + string.Join(";", s.Tasks.Select(t => $"{t.Id}:{t.State}:{t.RestartCount}:{t.LastError}:{t.Trace?.Length}"));

    protected override void PreStart()
    {
        WarnUnknownKeys();
        if (_target == TargetState.Stopped)
        {
            _state = ConnectState.Stopped;
            _log.Info("Connector {0} is STOPPED: no tasks run until it is resumed", Name);
            PublishTaskConfigs([]);
            return;
        }

        StartConnector();
    }

    /// <summary>Once per connector configuration, not at every restart or task: each key nothing reads, probably a typo.</summary>
    private void WarnUnknownKeys()
    {
        IReadOnlyList<UnknownKey> unknown;
        try
        {
            unknown = new Validation.ConnectorConfigValidator(_services.Plugins).FindUnknownKeys(_plugin, _config);
        }
        catch (Exception e)
        {
            // Third-party code (the connector's or a transformation's constructor or Config()) may throw anything; the
            // check is advice, so the connector still starts, and its start reports a plugin that cannot be created.
            _log.Warning("Connector {0}: its keys could not be checked for typos: {1}", Name, (e as TargetInvocationException)?.InnerException?.Message ?? e.Message);
            return;
        }

        foreach (var key in unknown)
        {
            _log.Warning("Connector {0}: {1}", Name, key.Message);
        }
    }

    protected override void PostStop()
    {
        StopConnectorInstance();
        ReplyStopWaiters();
    }

    private void StartConnector()
    {
        try
        {
            _instance = ConnectorInstance.Start(_plugin, _services.Providers.Resolve(_config), Self);
            _life.MoveTo(Phase.Running);
            _state = Paused ? ConnectState.Paused : ConnectState.Running;
            _trace = null;
            _log.Info("Connector {0} started ({1})", Name, _plugin.Type.FullName);
            StartTasks(GenerateTaskConfigs());
        }
        catch (Exception e)
        {
            FailConnector(e);
        }
    }

    /// <summary>
    /// The connector's task configs with every resolved secret put back as its placeholder (Kafka Connect's reverse
    /// transform), so what the supervisor keeps and the REST API shows never holds a secret.
    /// </summary>
    private IReadOnlyList<IReadOnlyDictionary<string, string>> GenerateTaskConfigs() =>
        Config.Providers.ConfigProviders.ReverseTransform(_config, _instance!.TaskConfigs(Name, _maxTasks));

    private void StartTasks(IReadOnlyList<IReadOnlyDictionary<string, string>> configs)
    {
        PublishTaskConfigs(configs);
        if (!_localTasks)
        {
            return;
        }

        _tasks.Clear();
        for (var i = 0; i < configs.Count; i++)
        {
            var task = new LocalTask(new ConnectorTaskId(Name, i), configs[i], _services.WorkerId);
            _tasks[i] = task;
            SpawnTask(task);
        }

        _log.Info("Connector {0}: {1} task(s) started", Name, configs.Count);
    }

    private void PublishTaskConfigs(IReadOnlyList<IReadOnlyDictionary<string, string>> configs)
    {
        _taskConfigs = configs;
        if (!_localTasks)
        {
            Context.Parent.Tell(new ConnectorProtocol.TaskConfigsGenerated(Name, configs));
        }
    }

    private void SpawnTask(LocalTask task)
    {
        var taskType = _instance?.TaskType ?? TaskSupervisor.TaskTypeOf(_plugin, task.Config);
        var child = Context.ActorOf(
            TaskSupervisor.Props(task.Id, task.Config, _config, _plugin, taskType, _services, Paused),
            $"task-{task.Id.Task}-{++task.Incarnation}");
        Context.Watch(child);
        task.Supervisor = child;
        _byActor[child] = task;
    }

    private void OnGetTaskStatus(ConnectorProtocol.GetTaskStatus m)
    {
        if (_tasks.TryGetValue(m.Task, out var task))
        {
            Sender.Tell(task.Status);
        }
        else
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new Api.Errors.NotFoundException($"No status found for task {Name}-{m.Task}: connector {Name} has {_tasks.Count} task(s)")));
        }
    }

    private void OnTaskStatusChanged(TaskSupervisorProtocol.StatusChanged m)
    {
        if (_byActor.TryGetValue(Sender, out var task))
        {
            task.Status = m.Status;
        }
    }

    private void OnTerminated(Terminated t)
    {
        if (!_byActor.Remove(t.ActorRef, out var task))
        {
            return;
        }

        task.Supervisor = null;
        if (StoppingAll)
        {
            task.Status = task.Status with { State = ConnectState.Unassigned };
            FinishIfAllStopped();
        }
        else if (_tasks.TryGetValue(task.Id.Task, out var current) && current == task)
        {
            _log.Error("The supervisor of task {0} stopped unexpectedly; starting it again", task.Id);
            SpawnTask(task);
        }
    }

    private void Reconfigure()
    {
        if (_instance is null || !_life.Is(Phase.Running))
        {
            return;
        }

        try
        {
            ApplyTaskConfigs(GenerateTaskConfigs());
        }
        catch (Exception e)
        {
            FailConnector(e);
        }
    }

    private void ApplyTaskConfigs(IReadOnlyList<IReadOnlyDictionary<string, string>> configs)
    {
        if ((_taskConfigs.Count > 0 || !_localTasks) && ConnectorInstance.SameConfigs(_taskConfigs, configs))
        {
            return;
        }

        if (_tasks.Values.All(t => t.Supervisor is null))
        {
            StartTasks(configs);
            return;
        }

        _log.Info("Connector {0} reconfigures its tasks: {1} -> {2}", Name, _taskConfigs.Count, configs.Count);
        _life.MoveTo(Phase.Reconfiguring);
        _pendingConfigs = configs;
        StopAllTasks();
        FinishIfAllStopped();
    }

    private void OnSetTargetState(ConnectorProtocol.SetTargetState m)
    {
        _target = m.State;
        if (_life.Is(Phase.ShuttingDown))
        {
            Sender.Tell(new ConnectorProtocol.TargetStateApplied(m.State));
            return;
        }

        if (m.State == TargetState.Stopped)
        {
            BeginStop(Sender);
            return;
        }

        if (_life.Is(Phase.Stopped))
        {
            StartConnector();
        }
        else if (!_life.Is(Phase.Stopping))
        {
            if (_state != ConnectState.Failed)
            {
                _state = Paused ? ConnectState.Paused : ConnectState.Running;
            }

            foreach (var task in _tasks.Values)
            {
                task.Supervisor?.Tell(new TaskSupervisorProtocol.SetPaused(Paused));
            }
        }

        // While a stop is still under way, FinishIfAllStopped sees the new target and starts again.
        Sender.Tell(new ConnectorProtocol.TargetStateApplied(m.State));
    }

    private void BeginStop(IActorRef requester)
    {
        if (_life.Is(Phase.Stopped))
        {
            requester.Tell(new ConnectorProtocol.TargetStateApplied(TargetState.Stopped));
            return;
        }

        (_stopWaiters ??= new List<IActorRef>()).Add(requester);
        if (!_life.Is(Phase.Stopping))
        {
            _life.MoveTo(Phase.Stopping);
            Timers.CancelAll();
            _pendingConfigs = null;
            StopAllTasks();
            FinishIfAllStopped();
        }
    }

    private void BeginShutdown()
    {
        _life.MoveTo(Phase.ShuttingDown);
        Timers.CancelAll();
        StopAllTasks();
        FinishIfAllStopped();
    }

    private void StopAllTasks()
    {
        foreach (var task in _tasks.Values)
        {
            task.Supervisor?.Tell(TaskSupervisorProtocol.Stop.Instance);
        }
    }

    private void FinishIfAllStopped()
    {
        if (_tasks.Values.Any(s => s.Supervisor is not null))
        {
            return;
        }

        if (_life.Is(Phase.ShuttingDown))
        {
            StopConnectorInstance();
            // A stop asked for before the shutdown (a stop racing a delete or a new config) is done too: its
            // requester hears so rather than waiting for an answer that would never come.
            ReplyStopWaiters();
            Context.Stop(Self);
            return;
        }

        if (_life.Is(Phase.Stopping))
        {
            StopConnectorInstance();
            _tasks.Clear();
            PublishTaskConfigs([]);
            _life.MoveTo(Phase.Stopped);
            _state = ConnectState.Stopped;
            _trace = null;
            _log.Info("Connector {0} stopped: its tasks are shut down until it is resumed", Name);
            ReplyStopWaiters();

            if (_target != TargetState.Stopped)
            {
                StartConnector();
            }

            return;
        }

        if (_life.Is(Phase.Reconfiguring) && _pendingConfigs is { } configs)
        {
            _pendingConfigs = null;
            // A connector that raised an error while its tasks stopped still reports FAILED, and stays Failed.
            _life.MoveTo(_state == ConnectState.Failed ? Phase.Failed : Phase.Running);
            StartTasks(configs);
        }
    }

    private void ReplyStopWaiters()
    {
        foreach (var waiter in _stopWaiters ?? [])
        {
            waiter.Tell(new ConnectorProtocol.TargetStateApplied(TargetState.Stopped));
        }

        _stopWaiters = null;
    }

    private void FailConnector(Exception e)
    {
        if (_life.Is(Phase.Running, Phase.Stopped))
        {
            // Stopping, reconfiguring or shutting down goes on: the connector reports FAILED meanwhile.
            _life.MoveTo(Phase.Failed);
        }

        _state = ConnectState.Failed;
        _trace = FailureTrace.Render(e, _services.Providers.Secrets);
        _log.Error(e, "Connector {0} failed: {1}", Name, FailureTrace.RootCause(e).Message);
    }

    private void StopConnectorInstance()
    {
        var instance = _instance;
        _instance = null;
        if (instance?.Stop() is { } error)
        {
            _log.Warning(error, "Connector {0} threw while stopping", Name);
        }
    }

    private ConnectorStatus BuildStatus() => new(
        Name,
        _state,
        _services.WorkerId,
        _plugin.IsSource ? "source" : "sink",
        _trace,
        _tasks.Values.OrderBy(t => t.Id.Task).Select(t => t.Status).ToList());

    /// <summary>A local task as its connector supervisor sees it: its config, its task supervisor and its last status.</summary>
    private sealed class LocalTask(ConnectorTaskId id, IReadOnlyDictionary<string, string> config, string workerId)
    {
        public ConnectorTaskId Id { get; } = id;

        public IReadOnlyDictionary<string, string> Config { get; } = config;

        public IActorRef? Supervisor { get; set; }

        public int Incarnation { get; set; }

        public ConnectorTaskStatus Status { get; set; } = new(id.Task, ConnectState.Unassigned, workerId);
    }
}
