using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.States;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using static ActorConnect.Cluster.Sharding.TaskEntityProtocol;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// One task in the cluster, as a sharded entity (entity id <c>{connector}/{n}</c>): sharding runs it on exactly one
/// node, balances tasks over the nodes, and starts it on a survivor when its node is lost. It runs the task under a
/// <see cref="TaskSupervisor"/> (restarts with backoff, as in standalone mode) with the configs the config topic holds
/// (<c>task-{connector}-{n}</c>, the connector's config and target state), and writes the task's status under a
/// generation newer than any earlier instance's.
/// <code>
///   (start) Loading --to run: task starts | same | paused/resumed--> Ready --Refresh--> Loading
///   Loading --config changed: task stops--> Applying --task stopped, new one started--> Ready
///   Loading --not to run (deleted, STOPPED, fewer tasks): task stops--> Leaving --status deleted--> Passivating
///   any --Stop (hand-off)--> HandingOff --task stopped (offsets flushed)--> (entity stops)
/// </code>
/// Requests that arrive while Loading, Applying or Leaving wait in the stash, so changes apply one at a time in arrival
/// order. The phases are <see cref="EntityPhase"/>, moved only along <see cref="Rules"/>.
/// </summary>
internal sealed class TaskEntity : FollowingEntity
{
    private readonly ConnectorTaskId _id;
    private readonly ClusterServices _cluster;
    private Loaded? _running;
    private Loaded? _pendingSpawn;
    private long _generation;
    private int _incarnation;

    public TaskEntity(ConnectorTaskId id, ClusterServices cluster)
        : base(Rules, cluster.Settings.EntityLoadRetry)
    {
        _id = id;
        _cluster = cluster;

        // Once passivating, the answer is what the last load found: not to run. A later change that makes the task run
        // again reaches its next incarnation (the connector entity's refresh after new task configs, or the reconciler).
        Receive<Refresh>(_ => Gone, _ => Sender.Tell(new Applied(_id.Connector, _id.Task, false)));
        Receive<EnsureRunning>(_ => Gone, _ => { });
        Receive<Refresh>(_ => WhenReady(() => RefreshFor(Sender)));
        Receive<EnsureRunning>(_ =>
        {
            if (!Busy && Supervisor is null && !LeavingForGood && !HandingOff && !NodeLeaving)
            {
                Load();
            }
        });
        Receive<Loaded>(OnLoaded);
        Receive<Restart>(_ => WhenReady(OnRestart));
        Receive<TaskSupervisorProtocol.StatusChanged>(OnStatusChanged);
        Receive<TaskProtocol.TopicUsed>(m => _cluster.ConnectorRegion(Context.System)
            .Tell(new ConnectorEntityProtocol.Envelope(_id.Connector, new ConnectorProtocol.TopicUsed(_id.Connector, m.Topic))));
        Receive<StatusDeleted>(_ => Passivate());
        Receive<Stop>(_ => HandOff());
        Receive<Terminated>(OnTerminated);
    }

    /// <summary>The moves every entity makes; a load's result only while loading, a status deletion only while leaving.</summary>
    internal static LifecycleRules<EntityPhase> Rules { get; } = CommonRules()
        .Accept<Loaded>(EntityPhase.Loading, EntityPhase.HandingOff)
        .Accept<StatusDeleted>(EntityPhase.Leaving);

    public static Props Props(string entityId, ClusterServices cluster) =>
        Akka.Actor.Props.Create(() => new TaskEntity(ParseEntityId(entityId), cluster));

    // A task supervisor that crashes is stopped; the reconciler's next look starts it again.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _cluster.Entities.Started(Self, Stop.Instance);
        Load();
    }

    protected override void PostStop() => _cluster.Entities.Stopped(Self);

    // Sharding can still place a shard on a region that has begun its graceful shutdown (an allocation that crossed
    // the region's shutdown request is never handed off again): a task started there would be stopped with the node,
    // not cleanly, and resend what was in flight. It stays down here; it starts on the node the shard moves to.
    private bool NodeLeaving => _cluster.Entities.Leaving || CoordinatedShutdown.Get(Context.System).ShutdownReason is not null;

    protected override string Describe => $"Task {_id}";

    protected override object StopSupervisor => TaskSupervisorProtocol.Stop.Instance;

    protected override object HandOffStop => Stop.Instance;

    protected override object Applied() => new Applied(_id.Connector, _id.Task, Supervisor is not null && !LeavingForGood);

    /// <summary>Reads the task's configs from the config topic (the status topic for the generation, the offsets topic to its end).</summary>
    protected override async Task<object> ReadAsync()
    {
        var (id, cluster) = (_id, _cluster);
        // The offsets too: a task that moved resumes from what its previous node flushed as it stopped.
        await Task.WhenAll(cluster.Configs.ReadToEndAsync(), cluster.Statuses.ReadToEndAsync(), cluster.Offsets.ReadToEndAsync()).ConfigureAwait(false);
        var generation = 1 + (cluster.Statuses.Tasks(id.Connector).FirstOrDefault(t => t.Task == id.Task)?.Generation ?? 0);
        var stored = cluster.Configs.Read(id.Connector);
        var taskConfigs = cluster.Configs.TaskConfigs(id.Connector);
        if (stored is null || stored.TargetState == TargetState.Stopped || id.Task >= taskConfigs.Count)
        {
            return new Loaded(null, null, null, generation);
        }

        try
        {
            var (_, plugin) = ConnectorValidator.Validate(stored.Config, cluster.Tasks);
            return new Loaded(stored, taskConfigs[id.Task], plugin, generation);
        }
        catch (Api.Errors.ConnectException)
        {
            // The connector's own entity reports the bad config as the connector's FAILED status.
            return new Loaded(null, null, null, generation);
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
            ReplyWaiters();
            return;
        }

        if (_cluster.Entities.RunsNothing is not null)
        {
            // This node may not run anything now: no task starts, no status is written or deleted (see ConnectorEntity).
            _running = Supervisor is null ? null : _running;
            Done();
            return;
        }

        if (m.Stored is null)
        {
            Leave();
            return;
        }

        if (Supervisor is null)
        {
            Spawn(m);
            Done();
        }
        else if (!StoredConfigs.Same(_running!.TaskConfig!, m.TaskConfig!) || !StoredConfigs.Same(_running.Stored!.Config, m.Stored.Config))
        {
            Log.Info("Task {0} reconfigured: it restarts with the new config", _id);
            _pendingSpawn = m;
            MoveTo(EntityPhase.Applying);
            Supervisor.Tell(TaskSupervisorProtocol.Stop.Instance);
        }
        else
        {
            if (_running.Stored!.TargetState != m.Stored.TargetState)
            {
                Supervisor.Tell(new TaskSupervisorProtocol.SetPaused(m.Stored.TargetState == TargetState.Paused));
            }

            _running = m;
            Done();
        }
    }

    /// <summary>The task is no longer to run here or anywhere: stop it, then forget its status and passivate.</summary>
    private void Leave()
    {
        MoveTo(EntityPhase.Leaving);
        if (Supervisor is { } s)
        {
            Log.Info("Task {0} is no longer part of its connector: stopping it", _id);
            s.Tell(TaskSupervisorProtocol.Stop.Instance);
        }
        else
        {
            DeleteStatus();
        }
    }

    /// <summary>Starts the task here, unless this node is leaving (see <see cref="NodeLeaving"/>).</summary>
    private void Spawn(Loaded m)
    {
        if (NodeLeaving)
        {
            _running = null;
            Log.Info("Task {0} is not started here: this node is leaving; it starts on the node its shard moves to", _id);
            return;
        }

        if (_cluster.Entities.RunsNothing is not null)
        {
            _running = null;
            return;
        }

        _running = m;
        var type = TaskSupervisor.TaskTypeOf(m.Plugin!, m.TaskConfig!);
        Supervisor = Context.ActorOf(
            TaskSupervisor.Props(_id, m.TaskConfig!, m.Stored!.Config, m.Plugin!, type, _cluster.Tasks, m.Stored.TargetState == TargetState.Paused),
            $"supervisor-{++_incarnation}");
        Context.Watch(Supervisor);
        Log.Info("Task {0} runs on this node (generation {1})", _id, _generation);
    }

    private void OnRestart()
    {
        if (Supervisor is { } s)
        {
            s.Forward(TaskSupervisorProtocol.Restart.Instance);
        }
        else
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new ConflictException($"Task {_id} is not running (its connector is stopped, failed to load, or has fewer tasks)")));
        }
    }

    private void OnStatusChanged(TaskSupervisorProtocol.StatusChanged m)
    {
        if (LeavingForGood || !Equals(Sender, Supervisor))
        {
            // A task leaving for good writes nothing more: its status is about to be deleted.
            return;
        }

        var t = m.Status;
        var (log, id) = (Log, _id);
        _cluster.Statuses.PutAsync(new StatusRecord(_id.Connector, _id.Task, t.State, t.WorkerId, _generation, t.Trace, t.RestartCount, t.LastFailure, t.LastError))
            .ContinueWith(w => log.Warning("Task {0}: writing its status failed: {1}", id, w.Exception?.GetBaseException().Message), TaskContinuationOptions.OnlyOnFaulted);
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
            DeleteStatus();
        }
        else if (_pendingSpawn is { } next)
        {
            _pendingSpawn = null;
            Spawn(next);
            Done();
        }
        else
        {
            Log.Error("The supervisor of task {0} stopped unexpectedly", _id);
            _running = null;
        }
    }

    private void DeleteStatus()
    {
        _cluster.Statuses.DeleteTaskAsync(_id.Connector, _id.Task).PipeTo(Self, success: () => StatusDeleted.Instance, failure: _ => StatusDeleted.Instance);
    }

    /// <summary>What the config topic holds for the task; <c>Stored</c> is null when the task is not to run.</summary>
    internal sealed record Loaded(StoredConnector? Stored, IReadOnlyDictionary<string, string>? TaskConfig, ConnectorPlugin? Plugin, long Generation);

    internal sealed record StatusDeleted
    {
        public static readonly StatusDeleted Instance = new();
    }
}
