using ActorConnect.Kafka;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Carries the consumer's rebalance callbacks to the sink task actor and waits for its answer on the consumer's own
/// pinned thread: Kafka Connect flushes and commits synchronously before giving partitions up, and so do we.
/// Once the task is closing it answers at once, and a callback already waiting returns as the listener closes: the
/// task may be stopping with that callback's message behind it in its mailbox, waiting for this very consumer to stop,
/// and neither would move until the ask's timeout (minutes).
/// </summary>
internal sealed class SinkPartitionListener(IActorRef task, TimeSpan timeout) : IPartitionListener
{
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Stops the callbacks from waiting on the task: any that waits returns now, later ones at once.</summary>
    public void Close() => _closing.Cancel();

    public AssignmentStart? OnAssigned(IReadOnlyList<TopicPartition> partitions) =>
        AskUnlessClosing<SinkTaskProtocol.AssignedReply>(new SinkTaskProtocol.PartitionsAssigned(partitions))?.Start;

    public IReadOnlyList<TopicPartitionOffset>? OnRevoked(IReadOnlyList<TopicPartition> partitions) =>
        AskUnlessClosing<SinkTaskProtocol.RevokedReply>(new SinkTaskProtocol.PartitionsRevoked(partitions, Lost: false))?.Offsets;

    public void OnLost(IReadOnlyList<TopicPartition> partitions)
    {
        if (!_closing.IsCancellationRequested)
        {
            task.Tell(new SinkTaskProtocol.PartitionsRevoked(partitions, Lost: true));
        }
    }

    private T? AskUnlessClosing<T>(object message) where T : class
    {
        if (_closing.IsCancellationRequested)
        {
            return null;
        }

        try
        {
            return task.Ask<T>(message, timeout, _closing.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            return null;
        }
    }
}
