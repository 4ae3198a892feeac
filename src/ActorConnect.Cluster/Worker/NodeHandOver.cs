using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Worker;

/// <summary>
/// Hands a leaving node's work over: its shard regions shut down gracefully, so each connector and task stops here
/// cleanly (offsets flushed) and starts on another node. Two ways sharding's own shutdown goes wrong are cut short:
/// a region keeps messages for shards that have no home left (the last node of a cluster, whose reconciler still sends
/// them) and would wait out its 70 s timeout although all its work has stopped, so once every entity that was here
/// has stopped the regions get <see cref="ClusterSettings.HandOverSettle"/> to end and are then stopped; and a shard allocated to this
/// region just as it began to leave is never handed off, so after <see cref="ClusterSettings.HandOverGrace"/> every
/// entity still here gets its own clean stop, and the regions are stopped once those are done. No task is ever
/// stopped with records in flight. Answers every <see cref="WorkerProtocol.Shutdown"/> with
/// <see cref="WorkerProtocol.ShutdownComplete"/> once the regions are gone (at once after that).
/// <code>
///   HandingOver --regions gone--> Done
///   HandingOver --entities gone, regions not after settle time--> StoppingRegions --> Done
///   HandingOver --grace over--> StoppingEntities --entities gone (or entity timeout)--> StoppingRegions --> Done
/// </code>
/// </summary>
internal sealed class NodeHandOver : ReceiveActor, IWithTimers
{
    private readonly LocalEntities _entities;
    private readonly TimeSpan _entityTimeout;
    private readonly TimeSpan _settleTime;
    private readonly HashSet<IActorRef> _regions;
    private readonly HashSet<IActorRef> _stopping = new();
    private readonly List<IActorRef> _requesters = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _forcing;

    public NodeHandOver(IReadOnlyCollection<IActorRef> regions, LocalEntities entities, TimeSpan grace, TimeSpan entityTimeout, TimeSpan settleTime)
    {
        _regions = regions.ToHashSet();
        _entities = entities;
        _entityTimeout = entityTimeout;
        _settleTime = settleTime;
        entities.BeginLeaving();
        foreach (var region in _regions)
        {
            Context.Watch(region);
            region.Tell(GracefulShutdown.Instance);
        }

        foreach (var (entity, _) in entities.Live)
        {
            _stopping.Add(entity);
            Context.Watch(entity);
        }

        Timers.StartSingleTimer("grace", GraceOver.Instance, grace);
        if (_stopping.Count == 0)
        {
            Timers.StartSingleTimer("settle", Settled.Instance, _settleTime);
        }

        Receive<WorkerProtocol.Shutdown>(_ =>
        {
            _requesters.Add(Sender);
            CompleteIfDone();
        });
        Receive<Settled>(_ =>
        {
            if (_regions.Count > 0)
            {
                _log.Info("Every connector and task on this node has stopped; stopping the shard regions, which still hold messages for shards with no other node to go to");
                StopRegions();
            }
        });
        Receive<GraceOver>(_ => StopEntities(grace));
        Receive<EntitiesOverdue>(_ =>
        {
            _log.Warning("{0} connector/task entities did not stop within {1}; stopping the shard regions anyway", _stopping.Count, _entityTimeout);
            StopRegions();
        });
        Receive<Terminated>(t =>
        {
            if (_regions.Remove(t.ActorRef))
            {
                CompleteIfDone();
            }
            else if (_stopping.Remove(t.ActorRef) && _stopping.Count == 0)
            {
                if (_forcing)
                {
                    StopRegions();
                }
                else
                {
                    Timers.StartSingleTimer("settle", Settled.Instance, _settleTime);
                }
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// The hand-over; <paramref name="settleTime"/> (<c>actorconnect.cluster.hand-over-settle</c>) defaults to the shipped
    /// hocon/cluster.conf's (tests shorten it).
    /// </summary>
    public static Props Props(IReadOnlyCollection<IActorRef> regions, LocalEntities entities, TimeSpan grace, TimeSpan entityTimeout, TimeSpan? settleTime = null)
    {
        var settle = settleTime ?? ClusterSettings.Default.HandOverSettle;
        return Akka.Actor.Props.Create(() => new NodeHandOver(regions, entities, grace, entityTimeout, settle));
    }

    private void StopEntities(TimeSpan grace)
    {
        if (_regions.Count == 0)
        {
            return;
        }

        _forcing = true;
        Timers.Cancel("settle");
        var live = _entities.Live;
        _log.Warning("The shard regions did not hand this node's work over within {0}: stopping the {1} connector/task entities still here cleanly, then the regions",
            grace, live.Count);
        foreach (var (entity, stop) in live)
        {
            if (_stopping.Add(entity))
            {
                Context.Watch(entity);
            }

            entity.Tell(stop);
        }

        if (_stopping.Count == 0)
        {
            StopRegions();
        }
        else
        {
            Timers.StartSingleTimer("entities", EntitiesOverdue.Instance, _entityTimeout);
        }
    }

    private void StopRegions()
    {
        Timers.Cancel("entities");
        foreach (var region in _regions)
        {
            Context.Stop(region);
        }
    }

    private void CompleteIfDone()
    {
        if (_regions.Count > 0)
        {
            return;
        }

        Timers.CancelAll();
        foreach (var requester in _requesters)
        {
            requester.Tell(WorkerProtocol.ShutdownComplete.Instance);
        }

        _requesters.Clear();
    }

    private sealed record Settled
    {
        public static readonly Settled Instance = new();
    }

    private sealed record GraceOver
    {
        public static readonly GraceOver Instance = new();
    }

    private sealed record EntitiesOverdue
    {
        public static readonly EntitiesOverdue Instance = new();
    }
}
