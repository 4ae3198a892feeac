using ActorConnect.Api.Sink;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>Messages between a sink task actor, its consumer stream and the consumer's rebalance callbacks.</summary>
internal static class SinkTaskProtocol
{
    public sealed record StreamInit
    {
        public static readonly StreamInit Instance = new();
    }

    public sealed record StreamAck
    {
        public static readonly StreamAck Instance = new();
    }

    public sealed record StreamCompleted
    {
        public static readonly StreamCompleted Instance = new();
    }

    public sealed record StreamFailed(Exception Cause);

    /// <summary>Self, after a backoff: build a new consumer in place of one that never joined its group.</summary>
    public sealed record RestartConsumer : Akka.Event.IDeadLetterSuppression
    {
        public static readonly RestartConsumer Instance = new();
    }

    /// <summary>From the consumer thread: partitions assigned; reply with <see cref="AssignedReply"/>.</summary>
    public sealed record PartitionsAssigned(IReadOnlyList<Confluent.Kafka.TopicPartition> Partitions);

    /// <summary>How the assigned partitions start: the rewinds the task asked for in open(), and which stay paused.</summary>
    public sealed record AssignedReply(ActorConnect.Kafka.AssignmentStart Start);

    /// <summary>From the consumer thread: partitions revoked; reply with <see cref="RevokedReply"/> after flushing.</summary>
    public sealed record PartitionsRevoked(IReadOnlyList<Confluent.Kafka.TopicPartition> Partitions, bool Lost);

    /// <summary>The offsets to commit before the partitions are given up.</summary>
    public sealed record RevokedReply(IReadOnlyList<TopicPartitionOffset>? Offsets);

    public sealed record RetryPut
    {
        public static readonly RetryPut Instance = new();
    }

    public sealed record CommitDone(IReadOnlyDictionary<Api.Sink.TopicPartition, long> Offsets, TimeSpan Elapsed);

    public sealed record CommitFailed(Exception Cause, TimeSpan Elapsed);

    public static Api.Sink.TopicPartition ToApi(Confluent.Kafka.TopicPartition tp) => new(tp.Topic, tp.Partition.Value);

    public static Confluent.Kafka.TopicPartition ToKafka(Api.Sink.TopicPartition tp) => new(tp.Topic, new Partition(tp.Partition));
}
