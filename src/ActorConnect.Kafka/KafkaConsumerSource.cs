using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Kafka;

/// <summary>
/// Entry point for reading a consumer group's records as an Akka stream.
/// </summary>
/// <remarks>
/// Why our own stage: a sink task needs manual commits that complete when the broker acknowledged, a hard bound on
/// buffered records that never costs the group membership, and synchronous rebalance hooks to flush and commit
/// before partitions move. Akka.Streams.Kafka is not available for our Akka version.
/// </remarks>
public static class KafkaConsumerSource
{
    /// <summary>
    /// A source of the records of <paramref name="subscription"/>, read in <see cref="ConsumerSettings.GroupId"/>.
    /// </summary>
    /// <remarks>
    /// The stage holds at most <see cref="ConsumerSettings.MaxBufferedRecords"/> records; when downstream is slower it
    /// pauses all its partitions but keeps polling, so it stays in the group however long downstream stalls.
    /// Offsets are committed only through <see cref="IConsumerControl.CommitAsync"/> and the listener's
    /// <see cref="IPartitionListener.OnRevoked"/>. The source is its own asynchronous island (on
    /// <see cref="ConsumerSettings.Dispatcher"/> when given), so besides its buffer up to one input buffer of
    /// records (16 by default) may be in flight towards downstream. Completing, cancelling or failing the stream
    /// closes the consumer cleanly.
    /// </remarks>
    public static Source<ConsumedRecord, IConsumerControl> Create(
        ConsumerSettings settings, Subscription subscription, IPartitionListener? listener = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(subscription);
        settings.BuildConfig(); // refuse unsupported settings now rather than at materialization

        var attributes = Attributes.CreateName("kafkaConsumer");
        if (settings.Dispatcher is { } dispatcher)
            attributes = attributes.And(ActorAttributes.CreateDispatcher(dispatcher));
        return Source.FromGraph(new ConsumerStage(settings, subscription, listener))
            .AddAttributes(attributes)
            .Async();
    }
}
