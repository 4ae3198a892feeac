using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Storage;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using static ActorConnect.Cluster.Sharding.ConnectorEntityProtocol;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// A cluster singleton that keeps the running connectors equal to the config topic. Sharding alone starts an entity
/// only when a message reaches it, so after a node is lost (or a shard is rebalanced) its connectors would stay
/// stopped until someone asked for them: the reconciler sends every stored connector an
/// <see cref="EnsureRunning"/> at every <see cref="ClusterSettings.ReconcileInterval"/>, and when a member is removed:
/// at once (a graceful leave has handed its shards over already) and again just after the downing provider's
/// removal margin, which the shard coordinator waits out before it gives a crashed node's shards to the survivors
/// (the margin lets the downed side stop its connectors first, so none runs twice). When a connector's config or target state changes in the topic (whoever wrote it), it tells
/// that entity to <see cref="Refresh"/>, which also stops the entity of a deleted connector.
/// </summary>
internal sealed class ConnectorReconciler : ReceiveActor, IWithTimers
{
    private readonly KafkaConfigBackingStore _store;
    private readonly IActorRef _region;
    private readonly TimeSpan _interval;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, StoredConnector> _seen = new(StringComparer.Ordinal);
    private Action<string>? _onChanged;

    public ConnectorReconciler(KafkaConfigBackingStore store, IActorRef region, TimeSpan interval)
    {
        _store = store;
        _region = region;
        _interval = interval;
        Receive<Tick>(_ => Reconcile());
        Receive<ConfigChanged>(m => OnChanged(m.Connector));
        Receive<ClusterEvent.MemberRemoved>(_ =>
        {
            Reconcile();
            var margin = Akka.Cluster.Cluster.Get(Context.System).DowningProvider.DownRemovalMargin;
            Timers.StartSingleTimer("after-removal-margin", Tick.Instance, margin + TimeSpan.FromMilliseconds(300));
            Timers.StartSingleTimer("after-removal-margin-again", Tick.Instance, margin + TimeSpan.FromSeconds(1));
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Applied>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(KafkaConfigBackingStore store, IActorRef region, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new ConnectorReconciler(store, region, interval));

    protected override void PreStart()
    {
        var self = Self;
        _onChanged = name => self.Tell(new ConfigChanged(name));
        _store.Changed += _onChanged;
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("reconcile", Tick.Instance, _interval);
        _log.Info("Connector reconciler started: every connector in the config topic is kept running");
        Reconcile();
    }

    protected override void PostStop()
    {
        _store.Changed -= _onChanged;
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private void Reconcile()
    {
        foreach (var stored in _store.ReadAll())
        {
            _seen.TryAdd(stored.Name, stored);
            _region.Tell(new ConnectorEntityProtocol.Envelope(stored.Name, EnsureRunning.Instance));
        }
    }

    private void OnChanged(string connector)
    {
        var stored = _store.Read(connector);
        var known = _seen.TryGetValue(connector, out var seen);
        if (stored is null)
        {
            if (known)
            {
                _seen.Remove(connector);
                _region.Tell(new ConnectorEntityProtocol.Envelope(connector, Refresh.Instance));
            }

            return;
        }

        _seen[connector] = stored;
        // Task-config commits also raise Changed; only a new config or target state concerns the entity.
        if (!known || seen!.TargetState != stored.TargetState || !StoredConfigs.Same(seen.Config, stored.Config))
        {
            _region.Tell(new ConnectorEntityProtocol.Envelope(connector, Refresh.Instance));
        }
    }

    private sealed record Tick : IDeadLetterSuppression
    {
        public static readonly Tick Instance = new();
    }

    private sealed record ConfigChanged(string Connector);
}
