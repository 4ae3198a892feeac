using System.Collections.Concurrent;
using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;

namespace ActorConnect.Cluster;

/// <summary>What one distributed node shares with its connector entities and its worker actor.</summary>
public sealed record ClusterServices(
    TaskServices Tasks,
    KafkaConfigBackingStore Configs,
    KafkaOffsetBackingStore Offsets,
    KafkaStatusBackingStore Statuses,
    ClusterSettings Settings)
{
    /// <summary>The connector entities running on this node, by connector name: where the status listener sends each status.</summary>
    internal LocalEntities Entities { get; init; } = new();

    /// <summary>This node's shard region of connector entities.</summary>
    internal IActorRef ConnectorRegion(ActorSystem system) => Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(DistributedWorker.ConnectorTypeName);

    /// <summary>This node's shard region of task entities.</summary>
    internal IActorRef TaskRegion(ActorSystem system) => Akka.Cluster.Sharding.ClusterSharding.Get(system).ShardRegion(DistributedWorker.TaskTypeName);
}

/// <summary>
/// Routes the runtime's status listener (one per node, called on a supervisor's thread) to the entity that owns that
/// supervisor, which writes the status topic with its generation.
/// </summary>
internal sealed class LocalEntities
{
    private readonly ConcurrentDictionary<string, IActorRef> _byName = new(StringComparer.Ordinal);

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
