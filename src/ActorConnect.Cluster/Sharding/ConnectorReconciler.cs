using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// A cluster singleton that keeps the running connectors and tasks equal to the config topic. Sharding alone starts an
/// entity only when a message reaches it, so after a node is lost (or a shard is rebalanced) its connectors and tasks
/// would stay stopped until someone asked for them: the reconciler sends every stored connector, and every task of its
/// committed task configs unless it is STOPPED, an <c>EnsureRunning</c> at every
/// <see cref="Config.ClusterSettings.ReconcileInterval"/>, and when a member is removed: at once (a graceful leave has
/// handed its shards over already) and again just after the downing provider's removal margin, which the shard
/// coordinator waits out before it gives a crashed node's shards to the survivors (the margin lets the downed side
/// stop its work first, so nothing runs twice). A task whose status outlives its place in the task configs (a node
/// lost while the connector shrank) is told to refresh, which stops it and deletes its status. When a connector's
/// config or target state changes in the topic (whoever wrote it), it tells that connector's entity to refresh, which
/// also stops the entity of a deleted connector; the connector's entity has its tasks follow.
/// </summary>
internal sealed class ConnectorReconciler : ReceiveActor, IWithTimers
{
    private readonly ClusterServices _cluster;
    private readonly IActorRef _connectors;
    private readonly IActorRef _tasks;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, StoredConnector> _seen = new(StringComparer.Ordinal);
    private Action<string>? _onChanged;

    public ConnectorReconciler(ClusterServices cluster, IActorRef connectors, IActorRef tasks)
    {
        _cluster = cluster;
        _connectors = connectors;
        _tasks = tasks;
        Receive<Tick>(_ => Reconcile());
        Receive<ConfigChanged>(m => OnChanged(m.Connector));
        Receive<ClusterEvent.MemberRemoved>(_ =>
        {
            Reconcile();
            var margin = Akka.Cluster.Cluster.Get(Context.System).DowningProvider.DownRemovalMargin;
            Timers.StartSingleTimer("after-removal-margin", Tick.Instance, margin + _cluster.Settings.ReconcileAfterRemoval.First);
            Timers.StartSingleTimer("after-removal-margin-again", Tick.Instance, margin + _cluster.Settings.ReconcileAfterRemoval.Second);
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ConnectorEntityProtocol.Applied>(_ => { });
        Receive<TaskEntityProtocol.Applied>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClusterServices cluster, IActorRef connectors, IActorRef tasks) =>
        Akka.Actor.Props.Create(() => new ConnectorReconciler(cluster, connectors, tasks));

    protected override void PreStart()
    {
        var self = Self;
        _onChanged = name => self.Tell(new ConfigChanged(name));
        _cluster.Configs.Changed += _onChanged;
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("reconcile", Tick.Instance, _cluster.Settings.ReconcileInterval);
        _log.Info("Connector reconciler started: every connector and task in the config topic is kept running");
        Reconcile();
    }

    protected override void PostStop()
    {
        _cluster.Configs.Changed -= _onChanged;
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private void Reconcile()
    {
        foreach (var stored in _cluster.Configs.ReadAll())
        {
            _seen.TryAdd(stored.Name, stored);
            _connectors.Tell(new ConnectorEntityProtocol.Envelope(stored.Name, ConnectorEntityProtocol.EnsureRunning.Instance));
            var count = stored.TargetState == TargetState.Stopped ? 0 : _cluster.Configs.TaskConfigs(stored.Name).Count;
            for (var task = 0; task < count; task++)
            {
                _tasks.Tell(new TaskEntityProtocol.Envelope(stored.Name, task, TaskEntityProtocol.EnsureRunning.Instance));
            }

            foreach (var stale in _cluster.Statuses.Tasks(stored.Name).Select(t => t.Task!.Value).Where(t => t >= count))
            {
                _tasks.Tell(new TaskEntityProtocol.Envelope(stored.Name, stale, TaskEntityProtocol.Refresh.Instance));
            }
        }
    }

    private void OnChanged(string connector)
    {
        var stored = _cluster.Configs.Read(connector);
        var known = _seen.TryGetValue(connector, out var seen);
        if (stored is null)
        {
            if (known)
            {
                _seen.Remove(connector);
                _connectors.Tell(new ConnectorEntityProtocol.Envelope(connector, ConnectorEntityProtocol.Refresh.Instance));
            }

            return;
        }

        _seen[connector] = stored;
        // Task-config commits also raise Changed; only a new config or target state concerns the entity.
        if (!known || seen!.TargetState != stored.TargetState || !StoredConfigs.Same(seen.Config, stored.Config))
        {
            _connectors.Tell(new ConnectorEntityProtocol.Envelope(connector, ConnectorEntityProtocol.Refresh.Instance));
        }
    }

    private sealed record Tick : IDeadLetterSuppression
    {
        public static readonly Tick Instance = new();
    }

    private sealed record ConfigChanged(string Connector);
}
