using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorConnect.Cluster;

/// <summary>
/// Logs every member that comes Up or is removed, with how many are Up: what an operator (and a test watching the
/// log) needs to know before bouncing a node, as a member still Joining does not count for the Split Brain Resolver.
/// Also says so when this node has not joined after a while: a node the seeds refuse (at TLS) sees only failed
/// associations in Akka's log.
/// </summary>
internal sealed class ClusterMembershipLog : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IReadOnlyList<Address> _seeds;
    private readonly TimeSpan _joinWarningAfter;

    // Counted from the events: Cluster.State is updated after they are published, so it lags by one.
    private readonly HashSet<UniqueAddress> _up = new();

    public ClusterMembershipLog(IReadOnlyList<Address> seeds, TimeSpan joinWarningAfter)
    {
        _seeds = seeds;
        _joinWarningAfter = joinWarningAfter;
        Receive<NotJoinedCheck>(_ => WarnIfNotJoined());
        Receive<ClusterEvent.MemberUp>(m =>
        {
            _up.Add(m.Member.UniqueAddress);
            _log.Info("Cluster member {0} is Up ({1} Up)", m.Member.Address, _up.Count);
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            _up.Remove(m.Member.UniqueAddress);
            _log.Info("Cluster member {0} is removed, was {1} ({2} Up)", m.Member.Address, m.PreviousStatus, _up.Count);
        });
        Receive<ClusterEvent.UnreachableMember>(m => _log.Warning("Cluster member {0} is unreachable", m.Member.Address));
        Receive<ClusterEvent.ReachableMember>(m => _log.Info("Cluster member {0} is reachable again", m.Member.Address));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="seeds">The seed nodes this node joins (empty: it starts a cluster, or the host joins it).</param>
    /// <param name="joinWarningAfter">When to say that this node has not joined yet.</param>
    public static Props Props(IReadOnlyList<Address> seeds, TimeSpan joinWarningAfter) =>
        Akka.Actor.Props.Create(() => new ClusterMembershipLog(seeds, joinWarningAfter));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember));
        if (_seeds.Count > 0)
        {
            Timers.StartSingleTimer(NotJoinedCheck.Instance, NotJoinedCheck.Instance, _joinWarningAfter);
        }
    }

    private void WarnIfNotJoined()
    {
        if (_cluster.State.Members.Any(m => m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)))
        {
            return;
        }

        var tls = _cluster.SelfAddress.Protocol.Contains("ssl", StringComparison.Ordinal);
        _log.Warning(
            "This node has not joined a cluster {0:N0} s after it started (seed nodes: {1}). Either no seed node is running and reachable, or the seed nodes " +
            "refuse this node: {2}. Every node of a cluster needs the same cluster.ssl.* setting: all with TLS and certificates of one CA, or none; " +
            "the seed nodes' logs name each connection they refused and why",
            _joinWarningAfter.TotalSeconds, string.Join(", ", _seeds),
            tls ? "this node uses mutual TLS (cluster.ssl.keystore.location); if they do too, its certificate is not signed by the CA in their cluster.ssl.truststore.location, or theirs by the CA in this node's"
                : "this node has no cluster.ssl.* and speaks plain TCP, which seed nodes that use mutual TLS refuse");
    }

    /// <summary>The timer that looks whether this node has joined.</summary>
    private sealed class NotJoinedCheck : INoSerializationVerificationNeeded
    {
        public static readonly NotJoinedCheck Instance = new();
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);
}
