using System.Collections.Concurrent;
using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Sharding;

/// <summary>What one distributed node shares with its connector entities and its worker actor.</summary>
public sealed record ClusterServices(
    TaskServices Tasks,
    KafkaConfigBackingStore Configs,
    KafkaOffsetBackingStore Offsets,
    KafkaStatusBackingStore Statuses,
    ClusterSettings Settings)
{
    /// <summary>The connector and task entities running on this node.</summary>
    internal LocalEntities Entities { get; init; } = new();

    /// <summary>
    /// This node's shard regions, kept once sharding has started them: ClusterSharding forgets a region that has
    /// stopped (as it does while the node shuts down) and its lookup then throws, where a message to the kept
    /// reference only goes to dead letters.
    /// </summary>
    internal ShardRegions Regions { get; } = new();

    /// <summary>This node's shard region of connector entities.</summary>
    internal IActorRef ConnectorRegion(ActorSystem system) =>
        Regions.Connector ?? Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(ShardRegions.ConnectorTypeName);

    /// <summary>This node's shard region of task entities.</summary>
    internal IActorRef TaskRegion(ActorSystem system) =>
        Regions.Task ?? Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(ShardRegions.TaskTypeName);
}

/// <summary>
/// This node's live connector and task entities. Routes the runtime's status listener (one per node, called on a
/// supervisor's thread) to the entity that owns that supervisor, which writes the status topic with its generation;
/// and lets the worker stop every entity here cleanly when the shard regions' hand-off does not (see
/// <see cref="Worker.NodeHandOver"/>), and tell entities not to start work once the node is leaving, or while the
/// node's discovery has not cleared it to run anything (<see cref="RunsNothing"/>).
/// </summary>
internal sealed class LocalEntities
{
    private readonly ConcurrentDictionary<string, IActorRef> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IActorRef, object> _live = new();
    private volatile bool _leaving;
    private volatile Stand? _stand = new("this worker has not joined a cluster yet", Starting: true);

    /// <summary>
    /// Why this node may not run connectors or tasks now (not yet a cleared member of its group's one cluster, or
    /// fenced because another cluster of the group is alive), or null when it may. Entities placed here start nothing
    /// and write nothing while it is set; the worker answers connector requests with it.
    /// </summary>
    public Stand? RunsNothing => _stand;

    /// <summary>From now on entities here start nothing, for <paramref name="reason"/>.</summary>
    public void StandDown(string reason, bool starting) => _stand = new Stand(reason, starting);

    /// <summary>Entities here may run again.</summary>
    public void Clear() => _stand = null;

    /// <summary>True once this node has begun to hand its work over: an entity placed here from now on starts nothing.</summary>
    public bool Leaving => _leaving;

    public void BeginLeaving() => _leaving = true;

    /// <summary>An entity started here; <paramref name="stop"/> is the message that stops it cleanly (its hand-off message).</summary>
    public void Started(IActorRef entity, object stop) => _live[entity] = stop;

    public void Stopped(IActorRef entity) => _live.TryRemove(entity, out _);

    /// <summary>Every entity alive on this node now, with the message that stops it cleanly.</summary>
    public IReadOnlyList<KeyValuePair<IActorRef, object>> Live => _live.ToList();

    public void Register(string connector, IActorRef entity) => _byName[connector] = entity;

    public void Unregister(string connector, IActorRef entity) =>
        ((ICollection<KeyValuePair<string, IActorRef>>)_byName).Remove(KeyValuePair.Create(connector, entity));

    public void OnStatus(ConnectorStatus status)
    {
        if (_byName.TryGetValue(status.Name, out var entity))
        {
            entity.Tell(new Sharding.ConnectorEntityProtocol.StatusChanged(status));
        }
    }
}

/// <summary>Why a node runs nothing.</summary>
/// <param name="Reason">A sentence naming the cause and the fix.</param>
/// <param name="Starting">True while the node is still finding or joining its cluster; false when it stood down (fenced).</param>
internal sealed record Stand(string Reason, bool Starting);

/// <summary>The shard regions of one node, set as sharding starts them.</summary>
internal sealed class ShardRegions
{
    /// <summary>The sharding type name of connector entities.</summary>
    public const string ConnectorTypeName = "connector";

    /// <summary>The sharding type name of task entities.</summary>
    public const string TaskTypeName = "task";

    public IActorRef? Connector { get; set; }

    public IActorRef? Task { get; set; }
}
