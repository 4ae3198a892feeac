using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.States;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using Akka.Event;
using static ActorConnect.Runtime.Connectors.TaskSupervisorProtocol;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// One per task: runs the task actor (on its own pinned thread) and decides what happens when it fails: restart after
/// exponential backoff with jitter, or, after too many failures within the window, leave it FAILED with its root cause
/// until restarted by hand. Its parent hears every status change. The same supervisor serves a connector's local tasks
/// (standalone) and a task placed by cluster sharding (distributed), so a task fails and restarts alike in both.
/// <code>
///   Running --task fails--> BackingOff --backoff--> Running
///   Running --task fails too often in the window (FAILED), or ends by itself--> Down --Restart--> Running
///   Running --Restart--> Replacing --old task stopped--> Running        BackingOff --Restart--> Running
///   Running/Replacing --Stop--> Stopping --task stopped (offsets flushed)--> Stopped (supervisor stops)
///   BackingOff/Down --Stop--> Stopped
/// </code>
/// The moves and the messages each state accepts are <see cref="Rules"/>: an illegal one is logged as an error and
/// refused. A new incarnation of the task starts only once the previous one has stopped: never two copies at once.
/// </summary>
public sealed class TaskSupervisor : ReceiveActor, IWithTimers
{
    private readonly TaskSlot _slot;
    private readonly IReadOnlyDictionary<string, string> _connectorConfig;
    private readonly ConnectorPlugin _plugin;
    private readonly Type _taskType;
    private readonly TaskServices _services;
    private readonly ILoggingAdapter _log;
    private readonly Lifecycle<Phase> _life;
    private bool _paused;
    private ConnectorTaskStatus? _reported;

    public TaskSupervisor(ConnectorTaskId id, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, ConnectorPlugin plugin, Type taskType, TaskServices services, bool paused)
    {
        _slot = new TaskSlot(id, taskConfig);
        _log = Logging.ConnectLogging.ForTask(Context, id, services.Providers.Secrets);
        _connectorConfig = connectorConfig;
        _plugin = plugin;
        _taskType = taskType;
        _services = services;
        _paused = paused;
        _life = new Lifecycle<Phase>(Rules, Phase.Running, _log, () => $"Task {id}");

        Receive<TaskProtocol.StateChanged>(OnStateChanged);
        Receive<TaskProtocol.TopicUsed>(m => Context.Parent.Forward(m));
        Receive<TaskFailure>(OnTaskFailure);
        Receive<Terminated>(OnTerminated);
        Receive<RestartAfterBackoff>(OnRestartAfterBackoff);
        Receive<SetPaused>(m =>
        {
            _paused = m.Paused;
            _slot.Actor?.Tell(new TaskProtocol.SetPaused(m.Paused));
        });
        Receive<Restart>(_ =>
        {
            RestartByHand();
            Sender.Tell(new Akka.Actor.Status.Success(_slot.Id));
        });
        Receive<GetStatus>(_ => Sender.Tell(Status));
        Receive<Clients.KafkaConnectivityChanged>(m => _slot.KafkaProblem = m.Problem);
        Receive<Stop>(_ => BeginStop());
    }

    /// <summary>The supervisor's lifecycle: what it is doing with its task (the diagram above).</summary>
    public enum Phase
    {
        /// <summary>The task actor runs (or is starting).</summary>
        Running,

        /// <summary>Restarted by hand: the old task stops; the new one starts once it has.</summary>
        Replacing,

        /// <summary>The task failed: a new one starts when the backoff ends.</summary>
        BackingOff,

        /// <summary>No task runs until restarted by hand: it failed too often (FAILED), or ended by itself.</summary>
        Down,

        /// <summary>Stop: the task stops (offsets flushed), then the supervisor.</summary>
        Stopping,

        /// <summary>The supervisor stops itself.</summary>
        Stopped,
    }

    /// <summary>The legal moves, and the messages only some states accept (the others are accepted in every state).</summary>
    public static LifecycleRules<Phase> Rules { get; } = new LifecycleRules<Phase>()
        .Allow(Phase.Running, Phase.Replacing, Phase.BackingOff, Phase.Down, Phase.Stopping)
        .Allow(Phase.Replacing, Phase.Running, Phase.Stopping)
        .Allow(Phase.BackingOff, Phase.Running, Phase.Stopped)
        .Allow(Phase.Down, Phase.Running, Phase.Stopped)
        .Allow(Phase.Stopping, Phase.Stopped)
        // Only a running task actor fails or terminates, and only a backoff's timer (cancelled when left) fires.
        .Accept<TaskFailure>(Phase.Running, Phase.Replacing, Phase.Stopping)
        .Accept<Terminated>(Phase.Running, Phase.Replacing, Phase.Stopping)
        .Accept<RestartAfterBackoff>(Phase.BackingOff);

    public ITimerScheduler Timers { get; set; } = null!;

    private ConnectorTaskStatus Status => _slot.ToStatus(_services.WorkerId);

    public static Props Props(ConnectorTaskId id, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, ConnectorPlugin plugin, Type taskType, TaskServices services, bool paused) =>
        Akka.Actor.Props.Create(() => new TaskSupervisor(id, taskConfig, connectorConfig, plugin, taskType, services, paused));

    /// <summary>
    /// The task class a task config names (<c>task.class</c>, written by the connector's supervisor), else the one the
    /// connector declares: a task placed on another node needs no running connector to know it.
    /// </summary>
    public static Type TaskTypeOf(ConnectorPlugin plugin, IReadOnlyDictionary<string, string> taskConfig) =>
        taskConfig.GetValueOrDefault("task.class") is { } name && plugin.Type.Assembly.GetType(name) is { } type
            ? type
            : ((Api.Connector.Connector)Activator.CreateInstance(plugin.Type)!).TaskType;

    // Akka's own failure line is off: OnTaskFailure logs the failure once, through the logger that redacts secrets.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        // The bookkeeping happens as a message, so it sees the task's Terminated in order.
        var cause = e is ActorInitializationException { InnerException: { } inner } ? inner : e;
        Self.Tell(new TaskFailure(cause is TaskFailedException tf ? tf.InnerException ?? tf : cause));
        return Directive.Stop;
    }, loggingEnabled: false);

    /// <summary>Every message may change the status; the parent hears each change once.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = !_life.Admits(message) || base.AroundReceive(receive, message);
        var status = Status;
        if (status != _reported)
        {
            _reported = status;
            Context.Parent.Tell(new StatusChanged(status));
        }

        return handled;
    }

    protected override void Unhandled(object message) => _life.NotUnderstood(message);

    protected override void PreStart()
    {
        // An outage already under way when the task starts shows at once; later changes come on the event stream.
        _slot.KafkaProblem = _services.Connectivity?.State.Describe(_services.Worker.BootstrapServersValue);
        Context.System.EventStream.Subscribe(Self, typeof(Clients.KafkaConnectivityChanged));
        Spawn();
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _slot.Handle?.SignalStop();
    }

    private void Spawn()
    {
        _life.MoveTo(Phase.Running);
        _slot.Generation++;
        _slot.Handle = new TaskHandle();
        _slot.PendingFailure = null;
        var props = _plugin.IsSource
            ? SourceTaskActor.Props(_slot.Id, _taskType, _slot.Config, _connectorConfig, _services, _slot.Handle, _paused)
            : SinkTaskActor.Props(_slot.Id, _taskType, _slot.Config, _connectorConfig, _services, _slot.Handle, _paused);
        var child = Context.ActorOf(props, $"task-{_slot.Generation}");
        Context.Watch(child);
        _slot.Actor = child;
    }

    private void OnStateChanged(TaskProtocol.StateChanged m)
    {
        if (!Equals(_slot.Actor, Sender))
        {
            return;
        }

        _slot.State = m.State;
        // A task's reasons quote what its connector wrote (a file name, a topic), which may hold a resolved secret.
        _slot.LastError = _services.Providers.Secrets.Redact(m.LastError);
        if (m.State == ConnectState.Running && m.LastError is null)
        {
            _slot.Trace = null;
        }
    }

    private void OnTaskFailure(TaskFailure m)
    {
        _slot.PendingFailure = m.Cause;
        _slot.Trace = FailureTrace.Render(m.Cause, _services.Providers.Secrets);
        _slot.State = ConnectState.Failed;
        _log.Error(m.Cause, "Task {0} failed: {1}", _slot.Id, FailureTrace.RootCause(m.Cause).Message);
    }

    private void OnTerminated(Terminated t)
    {
        if (!t.ActorRef.Equals(_slot.Actor))
        {
            return;
        }

        _slot.Actor = null;
        if (_life.Is(Phase.Stopping))
        {
            _slot.State = ConnectState.Unassigned;
            StopSelf();
            return;
        }

        if (_life.Is(Phase.Replacing))
        {
            Spawn();
            return;
        }

        if (_slot.PendingFailure is not { } failure)
        {
            // Task actors stop only when told to: one that ended by itself waits for a restart by hand.
            _life.MoveTo(Phase.Down);
            return;
        }

        var settings = _services.Settings;
        var failures = _slot.RecordFailure(DateTimeOffset.UtcNow, settings.RestartWithin);
        if (failures > settings.RestartMaxFailures)
        {
            _life.MoveTo(Phase.Down);
            _slot.State = ConnectState.Failed;
            _log.Error("Task {0} failed {1} times within {2}; it stays FAILED until restarted (POST /connectors/{3}/tasks/{4}/restart). Root cause: {5}",
                _slot.Id, failures, settings.RestartWithin, _slot.Id.Connector, _slot.Id.Task, FailureTrace.RootCause(failure).Message);
            return;
        }

        var delay = RuntimeSettings.Backoff(failures - 1, settings.RestartMinBackoff, settings.RestartMaxBackoff, settings.RestartRandomFactor);
        _life.MoveTo(Phase.BackingOff);
        _slot.State = ConnectState.Restarting;
        _log.Warning("Task {0} will restart in {1:N0} ms (failure {2} of at most {3} within {4})", _slot.Id, delay.TotalMilliseconds, failures, settings.RestartMaxFailures, settings.RestartWithin);
        Timers.StartSingleTimer("restart", new RestartAfterBackoff(_slot.Generation), delay);
    }

    private void OnRestartAfterBackoff(RestartAfterBackoff m)
    {
        if (_slot.Generation == m.Generation && _slot.Actor is null)
        {
            _slot.RestartCount++;
            Spawn();
        }
    }

    private void RestartByHand()
    {
        if (_life.Is(Phase.Stopping))
        {
            // Answered all the same: the task is going away, and restarting it would be a second copy.
            return;
        }

        Timers.Cancel("restart");
        _slot.ResetFailures();
        _slot.State = ConnectState.Restarting;
        _slot.RestartCount++;
        if (_slot.Actor is { } actor)
        {
            _life.MoveTo(Phase.Replacing);
            _slot.Handle?.SignalStop();
            actor.Tell(TaskProtocol.Stop.Instance);
        }
        else
        {
            Spawn();
        }
    }

    private void BeginStop()
    {
        if (_life.Is(Phase.Stopping))
        {
            return;
        }

        Timers.CancelAll();
        if (_slot.Actor is { } actor)
        {
            _life.MoveTo(Phase.Stopping);
            _slot.Handle?.SignalStop();
            actor.Tell(TaskProtocol.Stop.Instance);
        }
        else
        {
            StopSelf();
        }
    }

    private void StopSelf()
    {
        _life.MoveTo(Phase.Stopped);
        Context.Stop(Self);
    }
}
