using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Kafka;

/// <summary>
/// Reading a consumer group's records as an Akka stream of batches: <see cref="KafkaConsumerSource"/> with whole
/// batches per element.
/// </summary>
/// <remarks>
/// Why: a sink task takes records in batches anyway, and one stream element per record (across the source's async
/// boundary, then regrouped by a Batch stage) cost more CPU than librdkafka's fetching. Here the stage hands over
/// whatever it has buffered, up to a maximum, as one element.
/// </remarks>
public static class KafkaConsumerBatchSource
{
    /// <summary>
    /// A source of the records of <paramref name="subscription"/> in batches of at most <paramref name="maxBatch"/>
    /// records (never empty), each partition's records in order.
    /// </summary>
    /// <remarks>
    /// Everything <see cref="KafkaConsumerSource.Create"/> promises holds, counted in records: at most
    /// <see cref="ConsumerSettings.MaxBufferedRecords"/> in the stage's buffer, plus one batch on its way downstream
    /// (the boundary's input buffer is one element, so it cannot hold 16 batches).
    /// </remarks>
    public static Source<IReadOnlyList<ConsumedRecord>, IConsumerControl> Create(
        ConsumerSettings settings, Subscription subscription, IPartitionListener? listener, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        settings.BuildConfig(); // refuse unsupported settings now rather than at materialization

        var island = Attributes.CreateName("kafkaConsumerBatches");
        if (settings.Dispatcher is { } dispatcher)
            island = island.And(ActorAttributes.CreateDispatcher(dispatcher));
        var stage = new ConsumerStage<IReadOnlyList<ConsumedRecord>>(settings, subscription, listener, buffer => TakeBatch(buffer, maxBatch));
        return Source.FromGraph(stage)
            .AddAttributes(island)
            .Async()
            .Via(Flow.Create<IReadOnlyList<ConsumedRecord>>().Select(batch => batch).WithAttributes(Attributes.CreateInputBuffer(1, 1)));
    }

    private static IReadOnlyList<ConsumedRecord> TakeBatch(Queue<ConsumedRecord> buffer, int maxBatch)
    {
        var batch = new ConsumedRecord[Math.Min(buffer.Count, maxBatch)];
        for (var i = 0; i < batch.Length; i++)
            batch[i] = buffer.Dequeue();
        return batch;
    }
}
