using ActorConnect.Api.Connector;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// One per connector: starts the connector, asks it for task configs, spawns one task actor per config, and decides
/// what happens when a task fails: restart with exponential backoff and jitter, or, after too many failures within
/// the window, leave it FAILED with its root cause. A failing task never touches another connector: each connector
/// has its own supervisor and the worker only escalates nothing.
/// <code>
///   Starting --started--> Running --Reconfigure(changed)--> Reconfiguring --all tasks stopped--> Running
///   any --Shutdown--> ShuttingDown --all tasks stopped--> (connector.stop, actor stops)
///   Starting --start throws--> Failed (no tasks)
/// </code>
/// </summary>
public sealed class ConnectorSupervisor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyDictionary<string, string> _config;
    private readonly ConnectorPlugin _plugin;
    private readonly TaskServices _services;
    private readonly int _maxTasks;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, TaskSlot> _tasks = new();
    private readonly Dictionary<IActorRef, TaskSlot> _byActor = new();
    private Connector? _connector;
    private ConnectState _state = ConnectState.Unassigned;
    private string? _trace;
    private bool _paused;
    private bool _shuttingDown;
    private IReadOnlyList<IReadOnlyDictionary<string, string>>? _pendingConfigs;

    public ConnectorSupervisor(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, TaskServices services, int maxTasks)
    {
        Name = name;
        _config = config;
        _plugin = plugin;
        _services = services;
        _maxTasks = maxTasks;

        Receive<ConnectorProtocol.GetStatus>(_ => Sender.Tell(BuildStatus()));
        Receive<ConnectorProtocol.GetTaskConfigs>(_ => Sender.Tell(new ConnectorProtocol.TaskConfigs(_tasks.Values.OrderBy(t => t.Id.Task).Select(t => t.Config).ToList())));
        Receive<TaskProtocol.StateChanged>(OnTaskStateChanged);
        Receive<ConnectorProtocol.TaskFailure>(OnTaskFailure);
        Receive<Terminated>(OnTerminated);
        Receive<ConnectorProtocol.RestartAfterBackoff>(OnRestartAfterBackoff);
        Receive<ConnectorProtocol.Reconfigure>(_ => Reconfigure());
        Receive<ConnectorProtocol.RaiseError>(m => FailConnector(m.Error));
        Receive<ConnectorProtocol.SetPaused>(OnSetPaused);
        Receive<ConnectorProtocol.RestartTask>(OnRestartTask);
        Receive<ConnectorProtocol.Shutdown>(_ => BeginShutdown());
    }

    public string Name { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, TaskServices services, int maxTasks) =>
        Akka.Actor.Props.Create(() => new ConnectorSupervisor(name, config, plugin, services, maxTasks))
            .WithDispatcher(services.Settings.ConnectorDispatcher);

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decide);

    protected override void PreStart()
    {
        try
        {
            _connector = (Connector)Activator.CreateInstance(_plugin.Type)!;
            _connector.Initialize(new ConnectorContext(Self));
            _connector.Start(_config);
            _state = ConnectState.Running;
            _log.Info("Connector {0} started ({1})", Name, _plugin.Type.FullName);
            StartTasks(RequestTaskConfigs());
        }
        catch (Exception e)
        {
            FailConnector(e);
        }
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
        else
        {
            var slot = _byActor.GetValueOrDefault(Sender);
            if (slot is not null)
            {
                Self.Tell(new ConnectorProtocol.TaskFailure(slot.Id, cause));
            }
        }

        return Directive.Stop;
    }

    private IReadOnlyList<IReadOnlyDictionary<string, string>> RequestTaskConfigs()
    {
        var configs = _connector!.TaskConfigs(_maxTasks);
        if (configs.Count > _maxTasks)
        {
            throw new Api.Errors.ConnectException(
                $"Connector {Name} generated {configs.Count} task configs, more than tasks.max={_maxTasks}. Raise tasks.max or fix the connector.");
        }

        // Each task also sees the connector's own keys (converters, overrides), as Kafka Connect's task config does.
        return configs.Select(c => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(c)
        {
            ["task.class"] = _connector.TaskType.FullName!,
        }).ToList();
    }

    private void StartTasks(IReadOnlyList<IReadOnlyDictionary<string, string>> configs)
    {
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
        var taskType = _connector!.TaskType;
        var props = _plugin.IsSource
            ? SourceTaskActor.Props(slot.Id, taskType, slot.Config, _config, _services, slot.Handle)
            : SinkTaskActor.Props(slot.Id, taskType, slot.Config, _config, _services, slot.Handle);
        var child = Context.ActorOf(props, $"task-{slot.Id.Task}-{slot.Generation}");
        Context.Watch(child);
        slot.Actor = child;
        _byActor[child] = slot;
        if (_paused)
        {
            child.Tell(new TaskProtocol.SetPaused(true));
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

    private void OnTaskFailure(ConnectorProtocol.TaskFailure m)
    {
        if (_tasks.TryGetValue(m.Id.Task, out var slot))
        {
            slot.PendingFailure = m.Cause;
            slot.Trace = FailureTrace.Render(m.Cause);
            slot.State = ConnectState.Failed;
            _log.Error(m.Cause, "Task {0} failed: {1}", m.Id, FailureTrace.RootCause(m.Cause).Message);
        }
    }

    private void OnTerminated(Terminated t)
    {
        if (!_byActor.Remove(t.ActorRef, out var slot))
        {
            return;
        }

        slot.Actor = null;
        if (_shuttingDown || _pendingConfigs is not null)
        {
            slot.State = ConnectState.Unassigned;
            FinishIfAllStopped();
            return;
        }

        if (slot.RestartRequested)
        {
            slot.RestartRequested = false;
            SpawnTask(slot);
            return;
        }

        if (slot.PendingFailure is null)
        {
            return;
        }

        var failures = slot.RecordFailure(DateTimeOffset.UtcNow, _services.Settings.RestartWithin);
        if (failures > _services.Settings.RestartMaxFailures)
        {
            slot.State = ConnectState.Failed;
            _log.Error("Task {0} failed {1} times within {2}; it stays FAILED until restarted (POST /connectors/{3}/tasks/{4}/restart). Root cause: {5}",
                slot.Id, failures, _services.Settings.RestartWithin, Name, slot.Id.Task, FailureTrace.RootCause(slot.PendingFailure).Message);
            return;
        }

        var delay = RuntimeSettings.Backoff(failures - 1, _services.Settings.RestartMinBackoff, _services.Settings.RestartMaxBackoff, _services.Settings.RestartRandomFactor);
        slot.State = ConnectState.Restarting;
        _log.Warning("Task {0} will restart in {1:N0} ms (failure {2} of at most {3} within {4})", slot.Id, delay.TotalMilliseconds, failures, _services.Settings.RestartMaxFailures, _services.Settings.RestartWithin);
        Timers.StartSingleTimer($"restart-{slot.Id.Task}", new ConnectorProtocol.RestartAfterBackoff(slot.Id.Task, slot.Generation), delay);
    }

    private void OnRestartAfterBackoff(ConnectorProtocol.RestartAfterBackoff m)
    {
        if (!_shuttingDown && _pendingConfigs is null && _tasks.TryGetValue(m.Task, out var slot) && slot.Generation == m.Generation && slot.Actor is null)
        {
            slot.RestartCount++;
            SpawnTask(slot);
        }
    }

    private void OnRestartTask(ConnectorProtocol.RestartTask m)
    {
        if (!_tasks.TryGetValue(m.Task, out var slot))
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new Api.Errors.NotFoundException($"Task {Name}-{m.Task} not found")));
            return;
        }

        slot.ResetFailures();
        slot.State = ConnectState.Restarting;
        slot.RestartCount++;
        if (slot.Actor is { } actor)
        {
            // The new incarnation starts only once the old one has stopped: never two copies of one task at once.
            slot.RestartRequested = true;
            slot.Handle?.SignalStop();
            actor.Tell(TaskProtocol.Stop.Instance);
        }
        else
        {
            SpawnTask(slot);
        }

        Sender.Tell(new Akka.Actor.Status.Success(slot.Id));
    }

    private void Reconfigure()
    {
        if (_connector is null || _state != ConnectState.Running || _shuttingDown)
        {
            return;
        }

        IReadOnlyList<IReadOnlyDictionary<string, string>> configs;
        try
        {
            configs = RequestTaskConfigs();
        }
        catch (Exception e)
        {
            FailConnector(e);
            return;
        }

        var current = _tasks.Values.OrderBy(t => t.Id.Task).Select(t => t.Config).ToList();
        if (current.Count == configs.Count && current.Zip(configs).All(p => p.First.Count == p.Second.Count && !p.First.Except(p.Second).Any()))
        {
            return;
        }

        _log.Info("Connector {0} reconfigures its tasks: {1} -> {2}", Name, current.Count, configs.Count);
        _pendingConfigs = configs;
        StopAllTasks();
        FinishIfAllStopped();
    }

    private void OnSetPaused(ConnectorProtocol.SetPaused m)
    {
        _paused = m.Paused;
        _state = m.Paused ? ConnectState.Paused : ConnectState.Running;
        foreach (var slot in _tasks.Values)
        {
            slot.Actor?.Tell(new TaskProtocol.SetPaused(m.Paused));
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

        if (_pendingConfigs is { } configs)
        {
            _pendingConfigs = null;
            _tasks.Clear();
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
        var connector = _connector;
        _connector = null;
        try
        {
            connector?.Stop();
        }
        catch (Exception e)
        {
            _log.Warning(e, "Connector {0} threw while stopping", Name);
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
