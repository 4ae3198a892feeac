using ActorConnect.Kafka;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests.InMemory;

/// <summary>
/// A consumer group of <see cref="InMemoryKafka"/>: its members, the assignment of each generation and the committed
/// offsets. Eager rebalancing, as the runtime's consumers use it: a join, a leave or a new topic starts a generation, every
/// member gives up all it owns, and only once nobody holds a partition of an older generation are the new assignments
/// handed out (range assignor: each topic's partitions split in ranges over its subscribers in join order).
/// Every member is called under <see cref="InMemoryKafka.Gate"/>.
/// </summary>
internal sealed class ConsumerGroup(InMemoryKafka kafka)
{
    private readonly List<InMemoryConsumerControl> _members = [];
    private Dictionary<InMemoryConsumerControl, List<TopicPartition>> _assignments = new();

    public int Generation { get; private set; }

    public Dictionary<TopicPartition, long> Committed { get; } = new();

    public void Join(InMemoryConsumerControl member)
    {
        _members.Add(member);
        Rebalance();
    }

    public void Leave(InMemoryConsumerControl member)
    {
        if (_members.Remove(member))
        {
            Rebalance();
        }
    }

    public void TopicsChanged()
    {
        if (_members.Count > 0)
        {
            Rebalance();
        }
    }

    /// <summary>True once no member holds partitions of an older generation: the new assignment may be handed out.</summary>
    public bool AllRevoked => _members.All(m => m.Owned.Count == 0 || m.AssignedGeneration == Generation);

    public IReadOnlyList<TopicPartition> AssignmentOf(InMemoryConsumerControl member) =>
        _assignments.TryGetValue(member, out var partitions) ? partitions : [];

    public void Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
        foreach (var o in offsets)
        {
            Committed[o.TopicPartition] = o.Offset.Value;
        }
    }

    private void Rebalance()
    {
        Generation++;
        var assignments = _members.ToDictionary(m => m, _ => new List<TopicPartition>());
        var byTopic = _members
            .SelectMany(m => kafka.PartitionsOf(m.Subscription).Select(tp => (Member: m, tp)))
            .GroupBy(x => x.tp.Topic, StringComparer.Ordinal);
        foreach (var topic in byTopic)
        {
            var subscribers = topic.Select(x => x.Member).Distinct().ToList();
            var partitions = topic.Select(x => x.tp).Distinct().OrderBy(tp => tp.Partition.Value).ToList();
            var per = partitions.Count / subscribers.Count;
            var extra = partitions.Count % subscribers.Count;
            var next = 0;
            for (var i = 0; i < subscribers.Count; i++)
            {
                var take = per + (i < extra ? 1 : 0);
                assignments[subscribers[i]].AddRange(partitions.Skip(next).Take(take));
                next += take;
            }
        }

        _assignments = assignments;
    }
}
