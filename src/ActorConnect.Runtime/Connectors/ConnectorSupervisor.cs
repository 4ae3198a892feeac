using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// One per connector: starts the connector, asks it for task configs, spawns one task actor per config, and decides
/// what happens when a task fails: restart with exponential backoff and jitter, or, after too many failures within
/// the window, leave it FAILED with its root cause. A failing task never touches another connector: each connector
/// has its own supervisor and the worker only escalates nothing.
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
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, TaskSlot> _tasks = new();
    private readonly Dictionary<IActorRef, TaskSlot> _byActor = new();
    private ConnectorInstance? _instance;
    private ConnectState _state = ConnectState.Unassigned;
    private TargetState _target;
    private string? _trace;
    private bool _shuttingDown;
    private List<IActorRef>? _stopWaiters;
    private IReadOnlyList<IReadOnlyDictionary<string, string>>? _pendingConfigs;
    private string? _lastStatus;

    public ConnectorSupervisor(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, TaskServices services, int maxTasks, TargetState target)
    {
        Name = name;
        _config = config;
        _plugin = plugin;
        _services = services;
        _maxTasks = maxTasks;
        _target = target;

        Receive<ConnectorProtocol.GetStatus>(_ => Sender.Tell(BuildStatus()));
        Receive<ConnectorProtocol.GetTaskStatus>(OnGetTaskStatus);
        Receive<ConnectorProtocol.GetTaskConfigs>(_ => Sender.Tell(_tasks.Values.OrderBy(t => t.Id.Task).Select(t => new TaskInfo(t.Id, t.Config)).ToList()));
        Receive<TaskProtocol.StateChanged>(OnTaskStateChanged);
        Receive<TaskProtocol.TopicUsed>(m => Context.Parent.Tell(new ConnectorProtocol.TopicUsed(Name, m.Topic)));
        Receive<ConnectorProtocol.TaskFailure>(OnTaskFailure);
        Receive<Terminated>(OnTerminated);
        Receive<ConnectorProtocol.RestartAfterBackoff>(OnRestartAfterBackoff);
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

    public static Props Props(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, TaskServices services, int maxTasks, TargetState target = TargetState.Started) =>
        Akka.Actor.Props.Create(() => new ConnectorSupervisor(name, config, plugin, services, maxTasks, target))
            .WithDispatcher(services.Settings.ConnectorDispatcher);

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decide);

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
            return;
        }

        StartConnector();
    }

    protected override void PostStop()
    {
        foreach (var slot in _tasks.Values)
        {
            slot.Handle?.SignalStop();
        }

        StopConnectorInstance();
    }

    private Directive Decide(Exception e)
    {
        // The decider runs while the failure is being handled; the bookkeeping happens as a message so it sees the
        // child's Terminated in order.
        var cause = e is ActorInitializationException { InnerException: { } inner } ? inner : e;
        if (cause is TaskFailedException tf)
        {
            Self.Tell(new ConnectorProtocol.TaskFailure(tf.Id, tf.InnerException ?? tf));
        }
        else if (_byActor.GetValueOrDefault(Sender) is { } slot)
        {
            Self.Tell(new ConnectorProtocol.TaskFailure(slot.Id, cause));
        }

        return Directive.Stop;
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
        _tasks.Clear();
        for (var i = 0; i < configs.Count; i++)
        {
            var slot = new TaskSlot(new ConnectorTaskId(Name, i), configs[i]);
            _tasks[i] = slot;
            SpawnTask(slot);
        }

        _log.Info("Connector {0}: {1} task(s) started", Name, configs.Count);
    }

    private void SpawnTask(TaskSlot slot)
    {
        slot.Generation++;
        slot.Handle = new TaskHandle();
        slot.PendingFailure = null;
        var taskType = _instance!.TaskType;
        var props = _plugin.IsSource
            ? SourceTaskActor.Props(slot.Id, taskType, slot.Config, _config, _services, slot.Handle)
            : SinkTaskActor.Props(slot.Id, taskType, slot.Config, _config, _services, slot.Handle);
        var child = Context.ActorOf(props, $"task-{slot.Id.Task}-{slot.Generation}");
        Context.Watch(child);
        slot.Actor = child;
        _byActor[child] = slot;
        if (Paused)
        {
            child.Tell(new TaskProtocol.SetPaused(true));
        }
    }

    private void OnGetTaskStatus(ConnectorProtocol.GetTaskStatus m)
    {
        if (_tasks.TryGetValue(m.Task, out var slot))
        {
            Sender.Tell(slot.ToStatus(_services.WorkerId));
        }
        else
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new Api.Errors.NotFoundException($"No status found for task {Name}-{m.Task}: connector {Name} has {_tasks.Count} task(s)")));
        }
    }

    private void OnTaskStateChanged(TaskProtocol.StateChanged m)
    {
        if (_tasks.TryGetValue(m.Id.Task, out var slot) && Equals(slot.Actor, Sender))
        {
            slot.State = m.State;
            slot.LastError = m.LastError;
            if (m.State == ConnectState.Running && m.LastError is null)
            {
                slot.Trace = null;
            }
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
        var current = _tasks.Values.OrderBy(t => t.Id.Task).Select(t => t.Config).ToList();
        if (_tasks.Count > 0 && ConnectorInstance.SameConfigs(current, configs))
        {
            return;
        }

        if (_tasks.Values.All(t => t.Actor is null))
        {
            StartTasks(configs);
            return;
        }

        _log.Info("Connector {0} reconfigures its tasks: {1} -> {2}", Name, current.Count, configs.Count);
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

            foreach (var slot in _tasks.Values)
            {
                slot.Actor?.Tell(new TaskProtocol.SetPaused(Paused));
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
        foreach (var slot in _tasks.Values.Where(s => s.Actor is not null))
        {
            slot.Handle?.SignalStop();
            slot.Actor!.Tell(TaskProtocol.Stop.Instance);
        }
    }

    private void FinishIfAllStopped()
    {
        if (_tasks.Values.Any(s => s.Actor is not null))
        {
            return;
        }

        if (_shuttingDown)
        {
            StopConnectorInstance();
            Context.Stop(Self);
            return;
        }

        if (_stopWaiters is { } waiters)
        {
            _stopWaiters = null;
            StopConnectorInstance();
            _tasks.Clear();
            _state = ConnectState.Stopped;
            _trace = null;
            _log.Info("Connector {0} stopped: its tasks are shut down until it is resumed", Name);
            foreach (var waiter in waiters)
            {
                waiter.Tell(new ConnectorProtocol.TargetStateApplied(TargetState.Stopped));
            }

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

    private void FailConnector(Exception e)
    {
        _state = ConnectState.Failed;
        _trace = FailureTrace.Render(e);
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
        _tasks.Values.OrderBy(t => t.Id.Task).Select(t => t.ToStatus(_services.WorkerId)).ToList());
}
