using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.States;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using static ActorConnect.Cluster.Sharding.ConnectorEntityProtocol;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// One connector in the cluster, as a sharded entity (entity id = connector name): sharding runs it on exactly one
/// node and starts it on a survivor when that node is lost. It owns the connector's <see cref="ConnectorSupervisor"/>,
/// which runs only the connector: its tasks are entities of their own (<see cref="TaskEntity"/>), placed by sharding
/// on any node. The entity keeps the supervisor in line with the config topic, writes the task configs it generates
/// there and has the task entities follow them, and writes the connector's status under a generation newer than any
/// earlier instance's, so a late write from a node that lost the connector cannot hide the current status.
/// <code>
///   (start) Loading --started | same | config unloadable (FAILED)--> Ready --Refresh--> Loading
///   Loading --config changed: supervisor stops--> Applying --stopped, new one started--> Ready
///   Loading --target changed: supervisor applies it--> Applying --applied, task entities refreshed--> Ready
///   Loading --deleted: supervisor stops--> Leaving --task entities gone, statuses deleted--> Passivating
///   any --Stop (hand-off)--> HandingOff --supervisor stopped (offsets flushed)--> (entity stops)
/// </code>
/// External requests that arrive while Loading, Applying or Leaving wait in the stash, so changes apply one at a time
/// in arrival order. The phases are <see cref="EntityPhase"/>, moved only along <see cref="Rules"/>.
/// </summary>
internal sealed partial class ConnectorEntity : FollowingEntity
{
    private readonly string _name;
    private readonly ClusterServices _cluster;
    private readonly SortedSet<string> _activeTopics = new(StringComparer.Ordinal);
    private StoredConnector? _running;
    private Loaded? _pendingSpawn;
    private long _generation;
    private int _incarnation;

    public ConnectorEntity(string name, ClusterServices cluster)
        : base(Rules, cluster.Settings.EntityLoadRetry)
    {
        _name = name;
        _cluster = cluster;

        Receive<Refresh>(_ =>
        {
            if (Gone)
            {
                Sender.Tell(new Applied(_name, null));
                return;
            }

            WhenReady(() => RefreshFor(Sender));
        });
        Receive<EnsureRunning>(_ =>
        {
            // A supervisor that crashed left the entity without one: the reconciler's next look starts it again.
            if (!Busy && Supervisor is null && _running is null && !LeavingForGood && !HandingOff)
            {
                Load();
            }
        });
        Receive<Loaded>(OnLoaded);
        Receive<TargetApplied>(_ => RefreshTasks(AfterTasks.Done));
        Receive<TasksRefreshed>(m =>
        {
            if (m.Then == AfterTasks.DeleteStatuses)
            {
                DeleteStatuses();
            }
            else
            {
                Done();
            }
        });
        Receive<Restart>(m => WhenReady(() => WithSupervisor(s => OnRestart(s, m))));
        Receive<WorkerProtocol.RestartStarted>(_ => { });
        // The task supervisors' answers to the restarts the entity asked for: the requester already has the plan.
        Receive<Akka.Actor.Status>(_ => { });
        Receive<TaskEntityProtocol.Applied>(_ => { });
        Receive<GetActiveTopics>(_ => Sender.Tell(new WorkerProtocol.ActiveTopics(_name, _activeTopics.ToList())));
        Receive<ResetActiveTopics>(_ =>
        {
            _activeTopics.Clear();
            Sender.Tell(new Akka.Actor.Status.Success(_name));
        });
        Receive<ConnectorProtocol.TopicUsed>(m => _activeTopics.Add(m.Topic));
        Receive<StatusChanged>(OnStatusChanged);
        Receive<ConnectorProtocol.TaskConfigsGenerated>(OnTaskConfigsGenerated);
        Receive<TaskConfigsWritten>(_ => RefreshTasks(null));
        Receive<StatusesDeleted>(_ =>
        {
            // Requests that waited in the stash are answered too: a refresh learns it is gone, the rest that it is not running.
            Passivate();
        });
        Receive<ConnectorStatus>(_ => { });
        Receive<Stop>(_ => HandOff());
        Receive<Terminated>(OnTerminated);
    }

    /// <summary>
    /// The moves every entity makes; a load's result only while loading, a target's and the task entities' answers only
    /// while that change applies, the statuses' deletion only while leaving.
    /// </summary>
    internal static LifecycleRules<EntityPhase> Rules { get; } = CommonRules()
        .Accept<Loaded>(EntityPhase.Loading, EntityPhase.HandingOff)
        .Accept<TargetApplied>(EntityPhase.Applying, EntityPhase.HandingOff)
        .Accept<TasksRefreshed>(EntityPhase.Applying, EntityPhase.Leaving, EntityPhase.HandingOff)
        .Accept<StatusesDeleted>(EntityPhase.Leaving);

    public static Props Props(string name, ClusterServices cluster) => Akka.Actor.Props.Create(() => new ConnectorEntity(name, cluster));

    // A supervisor that crashes is stopped, not restarted with half-known state; the next Refresh starts it again.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _cluster.Entities.Register(_name, Self);
        _cluster.Entities.Started(Self, Stop.Instance);
        Load();
    }

    protected override void PostStop()
    {
        _cluster.Entities.Unregister(_name, Self);
        _cluster.Entities.Stopped(Self);
    }

    protected override string Describe => $"Connector {_name}";

    protected override object StopSupervisor => ConnectorProtocol.Shutdown.Instance;

    protected override object HandOffStop => Stop.Instance;

    protected override object Applied() => new Applied(_name, LeavingForGood ? null : _running?.TargetState);

    /// <summary>Reads the connector from the config topic (and the other topics to their ends) and validates it.</summary>
    protected override async Task<object> ReadAsync()
    {
        var (name, cluster) = (_name, _cluster);
        await Task.WhenAll(cluster.Configs.ReadToEndAsync(), cluster.Statuses.ReadToEndAsync(), cluster.Offsets.ReadToEndAsync()).ConfigureAwait(false);
        var generation = 1 + (cluster.Statuses.Connector(name)?.Generation ?? 0);
        if (cluster.Configs.Read(name) is not { } stored)
        {
            return new Loaded(null, null, null, null, generation);
        }

        if (StoredConnectorNames.Unreachable(name, cluster.Configs) is { } unreachable)
        {
            return new Loaded(stored, null, null, unreachable, generation);
        }

        try
        {
            var (config, plugin) = ConnectorValidator.Validate(stored.Config, cluster.Tasks);
            return new Loaded(stored, config, plugin, null, generation);
        }
        catch (Api.Errors.ConnectException e)
        {
            return new Loaded(stored, null, null, e, generation);
        }
    }

    private void OnLoaded(Loaded m)
    {
        if (_generation == 0)
        {
            _generation = m.Generation;
        }

        if (HandingOff)
        {
            // Leaving this node: whatever the topic says now, the next node applies it.
            ReplyWaiters();
            return;
        }

        if (_cluster.Entities.RunsNothing is not null)
        {
            // This node may not run anything yet (or stood down for an older cluster of its group): it starts nothing
            // and writes nothing, not even a status; the reconciler's next look tries again once it may.
            _running = Supervisor is null ? null : _running;
            Done();
            return;
        }

        if (m.Stored is null)
        {
            MoveTo(EntityPhase.Leaving);
            Log.Info("Connector {0} is deleted: stopping it", _name);
            if (Supervisor is { } s)
            {
                s.Tell(ConnectorProtocol.Shutdown.Instance);
            }
            else
            {
                RefreshTasks(AfterTasks.DeleteStatuses);
            }

            return;
        }

        if (m.Error is { } error)
        {
            Log.Error("Connector {0} cannot start: {1}", _name, error.Message);
            _running = m.Stored;
            Supervisor?.Tell(ConnectorProtocol.Shutdown.Instance);
            Supervisor = null;
            WriteStatus(new ConnectorStatus(_name, ConnectState.Failed, _cluster.Tasks.WorkerId, "unknown", FailureTrace.Render(error, _cluster.Tasks.Providers.Secrets), []));
            // Its task entities cannot load the config either: they stop.
            RefreshTasks(null);
            Done();
            return;
        }

        if (Supervisor is null)
        {
            Spawn(m);
            Done();
        }
        else if (!StoredConfigs.Same(_running!.Config, m.Stored.Config))
        {
            Log.Info("Connector {0} reconfigured: its tasks restart with the new config", _name);
            _pendingSpawn = m;
            MoveTo(EntityPhase.Applying);
            Supervisor.Tell(ConnectorProtocol.Shutdown.Instance);
        }
        else if (_running.TargetState != m.Stored.TargetState)
        {
            _running = m.Stored;
            MoveTo(EntityPhase.Applying);
            var timeout = _cluster.Tasks.Worker.TaskShutdownTimeout + _cluster.Settings.EntityAskTimeout;
            Supervisor.Ask<ConnectorProtocol.TargetStateApplied>(new ConnectorProtocol.SetTargetState(m.Stored.TargetState), timeout)
                .PipeTo(Self, success: a => new TargetApplied(a.State), failure: _ => new TargetApplied(m.Stored.TargetState));
        }
        else
        {
            Done();
        }
    }

    private void Spawn(Loaded m)
    {
        if (_cluster.Entities.RunsNothing is not null)
        {
            _running = null;
            return;
        }

        _running = m.Stored;
        Supervisor = Context.ActorOf(
            ConnectorSupervisor.Props(_name, m.Stored!.Config, m.Plugin!, _cluster.Tasks, m.Config!.MaxTasks, m.Stored.TargetState, localTasks: false),
            $"supervisor-{++_incarnation}");
        Context.Watch(Supervisor);
        // A supervisor that starts STOPPED changes nothing and so says nothing: asking makes it report its status once,
        // which replaces the one an earlier instance (maybe on another node) left in the topic.
        Supervisor.Tell(ConnectorProtocol.GetStatus.Instance);
        Log.Info("Connector {0} runs on this node ({1}, generation {2})", _name, m.Stored.TargetState.ToString().ToUpperInvariant(), _generation);
    }

    private void OnTerminated(Terminated t)
    {
        if (!t.ActorRef.Equals(Supervisor))
        {
            return;
        }

        Supervisor = null;
        if (HandingOff)
        {
            Context.Stop(Self);
        }
        else if (Phase == EntityPhase.Leaving)
        {
            // The task entities find the connector gone, stop their tasks and delete their statuses; then the rest goes.
            RefreshTasks(AfterTasks.DeleteStatuses);
        }
        else if (_pendingSpawn is { } next)
        {
            _pendingSpawn = null;
            Spawn(next);
            Done();
        }
        else
        {
            // Crashed: keep the entity, so the next refresh (the reconciler's) starts a new supervisor.
            Log.Error("The supervisor of connector {0} stopped unexpectedly", _name);
            _running = null;
        }
    }

    private void WithSupervisor(Action<IActorRef> action)
    {
        if (Supervisor is { } s)
        {
            action(s);
        }
        else
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new ConflictException($"Connector {_name} is not running on any worker (its config could not be loaded); fix its config or delete it")));
        }
    }

    internal sealed record TargetApplied(TargetState State);

    internal enum AfterTasks
    {
        Done,
        DeleteStatuses,
    }

    internal sealed record TasksRefreshed(AfterTasks? Then);

    private sealed record TaskConfigsWritten
    {
        public static readonly TaskConfigsWritten Instance = new();
    }

    internal sealed record StatusesDeleted
    {
        public static readonly StatusesDeleted Instance = new();
    }
}
