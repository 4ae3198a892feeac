using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorConnect.Cluster;

/// <summary>
/// Logs every member that comes Up or is removed, with how many are Up: what an operator (and a test watching the
/// log) needs to know before bouncing a node, as a member still Joining does not count for the Split Brain Resolver.
/// </summary>
internal sealed class ClusterMembershipLog : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    // Counted from the events: Cluster.State is updated after they are published, so it lags by one.
    private readonly HashSet<UniqueAddress> _up = new();

    public ClusterMembershipLog()
    {
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

    public static Props Props() => Akka.Actor.Props.Create(() => new ClusterMembershipLog());

    protected override void PreStart() => _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
        typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember));

    protected override void PostStop() => _cluster.Unsubscribe(Self);
}
