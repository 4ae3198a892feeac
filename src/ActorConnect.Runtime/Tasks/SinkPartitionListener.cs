using ActorConnect.Kafka;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Carries the consumer's rebalance callbacks to the sink task actor and waits for its answer on the consumer's own
/// pinned thread: Kafka Connect flushes and commits synchronously before giving partitions up, and so do we.
/// Once the task is closing it answers at once, so stopping the consumer cannot wait on the actor that stops it.
/// </summary>
internal sealed class SinkPartitionListener(IActorRef task, TimeSpan timeout) : IPartitionListener
{
    private volatile bool _closing;

    public void Close() => _closing = true;

    public IReadOnlyList<TopicPartitionOffset>? OnAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        if (_closing)
        {
            return null;
        }

        var reply = task.Ask<SinkTaskProtocol.AssignedReply>(new SinkTaskProtocol.PartitionsAssigned(partitions), timeout).GetAwaiter().GetResult();
        return reply.Seeks;
    }

    public IReadOnlyList<TopicPartitionOffset>? OnRevoked(IReadOnlyList<TopicPartition> partitions)
    {
        if (_closing)
        {
            return null;
        }

        var reply = task.Ask<SinkTaskProtocol.RevokedReply>(new SinkTaskProtocol.PartitionsRevoked(partitions, Lost: false), timeout).GetAwaiter().GetResult();
        return reply.Offsets;
    }

    public void OnLost(IReadOnlyList<TopicPartition> partitions)
    {
        if (!_closing)
        {
            task.Tell(new SinkTaskProtocol.PartitionsRevoked(partitions, Lost: true));
        }
    }
}
