using ActorConnect.Cluster.Worker;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit.Xunit2;
using ActorConnect.Cluster.Sharding;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// The leaving node's hand-over, with stand-ins for the shard regions and entities: sharding's hand-off when it
/// works, and the clean stop of what it leaves behind when it does not.
/// </summary>
public sealed class NodeHandOverSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    /// <summary>
    /// Each wait here is for a condition, not a deadline (<see cref="PatientTestKit"/>): the default 3 s wait failed once
    /// in CI (regions that were stopped a moment later).
    /// </summary>
    public NodeHandOverSpecs() : base(PatientTestKit.Config)
    {
    }

    [Fact]
    public void Regions_that_hand_over_complete_the_shutdown_and_no_entity_is_stopped_by_the_node()
    {
        var (entities, entity, entityProbe) = NodeWithOneEntity();
        var regions = new[] { Region(handsOver: true), Region(handsOver: true) };

        var handOver = Sys.ActorOf(NodeHandOver.Props(regions, entities, Long, Long));
        handOver.Tell(WorkerProtocol.Shutdown.Instance);

        ExpectMsg<WorkerProtocol.ShutdownComplete>();
        Assert.True(entities.Leaving);
        Assert.False(entityProbe.HasMessages);
    }

    [Fact]
    public void A_region_that_does_not_hand_over_is_stopped_only_after_the_entities_still_here_stopped_cleanly()
    {
        var (entities, entity, entityProbe) = NodeWithOneEntity();
        var stuck = Watch(Region(handsOver: false));

        var handOver = Sys.ActorOf(NodeHandOver.Props([stuck], entities, TimeSpan.FromMilliseconds(100), Long));
        handOver.Tell(WorkerProtocol.Shutdown.Instance);

        // The entity got its own clean-stop message and is still stopping: the region must still be there.
        entityProbe.ExpectMsg("stop requested");
        stuck.Tell(new Identify(1));
        Assert.NotNull(ExpectMsg<ActorIdentity>().Subject);

        entity.Tell("go");
        ExpectTerminated(stuck);
        ExpectMsg<WorkerProtocol.ShutdownComplete>();

        // Asked again (the host's shutdown after the worker's own stop), it answers at once.
        handOver.Tell(WorkerProtocol.Shutdown.Instance);
        ExpectMsg<WorkerProtocol.ShutdownComplete>();
    }

    [Fact]
    public void Regions_left_holding_messages_for_shards_with_nowhere_to_go_are_stopped_once_every_entity_here_stopped()
    {
        // The last node of a cluster: sharding stops its entities cleanly, but its regions keep the reconciler's
        // messages for shards no other node can take, and would wait for their own 70 s timeout.
        var (entities, entity, entityProbe) = NodeWithOneEntity();
        var holding = Watch(Region(handsOver: false));

        var handOver = Sys.ActorOf(NodeHandOver.Props([holding], entities, Long, Long, settleTime: TimeSpan.FromMilliseconds(100)));
        handOver.Tell(WorkerProtocol.Shutdown.Instance);
        entity.Tell("go");

        ExpectTerminated(holding);
        ExpectMsg<WorkerProtocol.ShutdownComplete>();
        Assert.False(entityProbe.HasMessages);
    }

    [Fact]
    public void An_entity_that_never_stops_does_not_hold_the_node_forever()
    {
        var (entities, entity, entityProbe) = NodeWithOneEntity();
        var stuck = Watch(Region(handsOver: false));

        var handOver = Sys.ActorOf(NodeHandOver.Props([stuck], entities, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)));
        handOver.Tell(WorkerProtocol.Shutdown.Instance);

        entityProbe.ExpectMsg("stop requested");
        ExpectTerminated(stuck);
        ExpectMsg<WorkerProtocol.ShutdownComplete>();
    }

    private (LocalEntities Entities, IActorRef Entity, Akka.TestKit.TestProbe Probe) NodeWithOneEntity()
    {
        var entities = new LocalEntities();
        var probe = CreateTestProbe();
        var entity = Sys.ActorOf(Props.Create(() => new EntityStandIn(probe.Ref)));
        entities.Started(entity, "stop");
        return (entities, entity, probe);
    }

    private IActorRef Region(bool handsOver) => Sys.ActorOf(Props.Create(() => new RegionStandIn(handsOver)));

    /// <summary>A shard region: on GracefulShutdown it hands over (stops) or, like one left with a shard, waits.</summary>
    private sealed class RegionStandIn : ReceiveActor
    {
        public RegionStandIn(bool handsOver) => Receive<GracefulShutdown>(_ =>
        {
            if (handsOver)
            {
                Context.Stop(Self);
            }
        });
    }

    /// <summary>An entity whose clean stop takes until the test says "go".</summary>
    private sealed class EntityStandIn : ReceiveActor
    {
        public EntityStandIn(IActorRef probe)
        {
            Receive<string>(m => m == "stop", _ => probe.Tell("stop requested"));
            Receive<string>(m => m == "go", _ => Context.Stop(Self));
        }
    }
}
