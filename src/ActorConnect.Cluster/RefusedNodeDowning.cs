using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace ActorConnect.Cluster;

/// <summary>
/// Downs a member whose process is gone for certain, without the Split Brain Resolver's wait: when this node loses
/// its connection to a member (or marks it unreachable) it opens a TCP connection to the member's cluster port, and
/// if the member's host refuses it (nothing listens there: the process has exited, SIGKILL included) the member is
/// downed at once. A member that is only silent (stalled in a GC pause, SIGSTOPped, a frozen VM, or cut off by a
/// network that drops packets) still has its port open or does not answer at all, so it is left to the failure
/// detector and the resolver's stable-after, which do not down a short stall.
/// </summary>
/// <remarks>
/// This saves the failure detector's pause and stable-after (~5 s) of a crashed worker's failover; the removal margin
/// (down-removal-margin) still runs before its connectors start elsewhere. A firewall that rejects the cluster port
/// with a TCP reset (rather than dropping packets) would make a live, cut-off node look exited: turn this off
/// (<c>actorconnect.cluster.down-refused-nodes.enabled = off</c>) on such networks.
/// </remarks>
internal sealed class RefusedNodeDowning : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly TimeSpan _probeTimeout;

    public RefusedNodeDowning(TimeSpan probeTimeout)
    {
        _probeTimeout = probeTimeout;
        Receive<DisassociatedEvent>(m => Probe(m.RemoteAddress));
        Receive<ClusterEvent.UnreachableMember>(m => Probe(m.Member.Address));
        Receive<ProbeResult>(OnProbed);
    }

    /// <param name="probeTimeout">How long a connection attempt to a member's port may take (<c>down-refused-nodes.probe-timeout</c>).</param>
    public static Props Props(TimeSpan probeTimeout) => Akka.Actor.Props.Create(() => new RefusedNodeDowning(probeTimeout));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _cluster.Unsubscribe(Self);
    }

    private void Probe(Address address)
    {
        if (Downable(address) is not { } member || address.Host is not { } host || address.Port is not { } port)
        {
            return;
        }

        var timeout = _probeTimeout;
        Refused(host, port, timeout).PipeTo(Self, success: refused => new ProbeResult(member.UniqueAddress, refused));
    }

    private void OnProbed(ProbeResult m)
    {
        // Only the incarnation that was probed: a worker restarted on the same port since is a new member.
        if (!m.Refused || Downable(m.Member.Address) is not { } member || !member.UniqueAddress.Equals(m.Member))
        {
            return;
        }

        _log.Warning("Cluster member {0} refuses connections on its cluster port: its process has exited. Downing it now rather than after the failure detector and stable-after", m.Member.Address);
        _cluster.Down(m.Member.Address);
        // The leader removes a downed member (and sharding moves its shards) only once it is unreachable, which the
        // failure detector would say only after its pause; quarantining the dead incarnation marks it terminated now.
        // Irreversible, which is right for an exited process: a restarted worker is a new incarnation.
        ((IRemoteActorRefProvider)((ExtendedActorSystem)Context.System).Provider).Quarantine(m.Member.Address, m.Member.Uid);
    }

    /// <summary>The member at this address if it is another node that still counts as running (a leaving node hands over and exits by itself).</summary>
    private Member? Downable(Address address) =>
        address.Equals(_cluster.SelfAddress)
            ? null
            : _cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining);

    /// <summary>Whether the host actively refuses a connection to the port (no process listens); a timeout or any other error is no proof.</summary>
    private static async Task<bool> Refused(string host, int port, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync(host, port, cancel.Token).ConfigureAwait(false);
            return false;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.ConnectionRefused;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed record ProbeResult(UniqueAddress Member, bool Refused) : INoSerializationVerificationNeeded;
}
