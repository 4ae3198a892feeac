using ActorConnect.Runtime.Plugins;
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
///   Starting --started--> Running/Paused --Reconfigure(changed)--> Reconfiguring --all tasks stopped--> Running
///   Running/Paused --SetTargetState(Stopped)--> Stopping --all tasks stopped, connector.stop--> Stopped (no tasks)
///   Stopped --SetTargetState(Started|Paused)--> Starting
///   any --Shutdown--> ShuttingDown --all tasks stopped--> (connector.stop, actor stops)
///   Starting --start throws--> Failed (no tasks) --Restart--> Starting
/// </code>
/// </summary>
public sealed partial class ConnectorSupervisor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyDictionary<string, string> _config;
    private readonly ConnectorPlugin _plugin;
    private readonly TaskServices _services;
    private readonly int _maxTasks;
    private readonly bool _localTasks;
    private readonly ILoggingAdapter _log;
    private readonly Dictionary<int, LocalTask> _tasks = new();
    private readonly Dictionary<IActorRef, LocalTask> _byActor = new();
    private IReadOnlyList<IReadOnlyDictionary<string, string>> _taskConfigs = [];
    private ConnectorInstance? _instance;
    private ConnectState _state = ConnectState.Unassigned;
    private TargetState _target;
    private string? _trace;
    private bool _shuttingDown;
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
        Receive<ConnectorProtocol.Restart>(OnRestart);
        Receive<ConnectorProtocol.Shutdown>(_ => BeginShutdown());
    }

    public string Name { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private bool Paused => _target == TargetState.Paused;

    /// <summary>True while every task is being stopped for a reason other than a failure: stopped tasks stay stopped.</summary>
    private bool StoppingAll => _shuttingDown || _stopWaiters is not null || _pendingConfigs is not null;

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
        var handled = base.AroundReceive(receive, message);
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

    private static string Render(ConnectorStatus s) =>
        $"{s.State}|{s.Trace}|" + string.Join(";", s.Tasks.Select(t => $"{t.Id}:{t.State}:{t.RestartCount}:{t.LastError}:{t.Trace?.Length}"));

    protected override void PreStart()
    {
        if (_target == TargetState.Stopped)
        {
            _state = ConnectState.Stopped;
            _log.Info("Connector {0} is STOPPED: no tasks run until it is resumed", Name);
            PublishTaskConfigs([]);
            return;
        }

        StartConnector();
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
        if (_instance is null || _state is not (ConnectState.Running or ConnectState.Paused) || StoppingAll)
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
        _pendingConfigs = configs;
        StopAllTasks();
        FinishIfAllStopped();
    }

    private void OnSetTargetState(ConnectorProtocol.SetTargetState m)
    {
        _target = m.State;
        if (_shuttingDown)
        {
            Sender.Tell(new ConnectorProtocol.TargetStateApplied(m.State));
            return;
        }

        if (m.State == TargetState.Stopped)
        {
            BeginStop(Sender);
            return;
        }

        if (_state == ConnectState.Stopped)
        {
            StartConnector();
        }
        else if (_stopWaiters is null)
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
        if (_state == ConnectState.Stopped && _stopWaiters is null)
        {
            requester.Tell(new ConnectorProtocol.TargetStateApplied(TargetState.Stopped));
            return;
        }

        var first = _stopWaiters is null;
        (_stopWaiters ??= new List<IActorRef>()).Add(requester);
        if (first)
        {
            Timers.CancelAll();
            _pendingConfigs = null;
            StopAllTasks();
            FinishIfAllStopped();
        }
    }

    private void BeginShutdown()
    {
        _shuttingDown = true;
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

        if (_shuttingDown)
        {
            StopConnectorInstance();
            // A stop asked for before the shutdown (a stop racing a delete or a new config) is done too: its
            // requester hears so rather than waiting for an answer that would never come.
            ReplyStopWaiters();
            Context.Stop(Self);
            return;
        }

        if (_stopWaiters is not null)
        {
            StopConnectorInstance();
            _tasks.Clear();
            PublishTaskConfigs([]);
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

        if (_pendingConfigs is { } configs)
        {
            _pendingConfigs = null;
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
