using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Requests from <see cref="IConsumerControl"/> callers, executed by the consumer stage on its own thread.
/// </summary>
internal abstract record ConsumerCommand
{
    /// <summary>Called when the stage is gone before it could execute the command.</summary>
    public virtual void Abandon(Exception reason)
    {
    }

    public sealed record Commit(IReadOnlyList<TopicPartitionOffset> Offsets, TaskCompletionSource Completion) : ConsumerCommand
    {
        public override void Abandon(Exception reason) => Completion.TrySetException(reason);
    }

    public sealed record Seek(TopicPartitionOffset Offset) : ConsumerCommand;

    public sealed record Pause(IReadOnlyList<TopicPartition> Partitions) : ConsumerCommand;

    public sealed record Resume(IReadOnlyList<TopicPartition> Partitions) : ConsumerCommand;

    public sealed record Stop : ConsumerCommand
    {
        public static Stop Instance { get; } = new();
    }
}
