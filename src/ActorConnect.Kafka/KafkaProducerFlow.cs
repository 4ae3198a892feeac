using Akka;
using Akka.Streams.Dsl;

namespace ActorConnect.Kafka;

/// <summary>
/// Entry point for writing records to Kafka from an Akka stream.
/// </summary>
/// <remarks>
/// Why our own stage: Akka.Streams.Kafka is not available for our Akka version, and a source task needs exactly
/// three things from a producer: ordered results it can map back to its records, a bound on what is in flight
/// (so a slow broker slows the task down instead of filling memory), and per-record errors it decides about.
/// </remarks>
public static class KafkaProducerFlow
{
    /// <summary>
    /// A flow that produces each message and emits its <see cref="ProducerResult{TPass}"/>, in input order.
    /// </summary>
    /// <remarks>
    /// At most <see cref="ProducerSettings.MaxInFlight"/> messages wait for their delivery report; then the flow
    /// stops pulling. A failed delivery is emitted as a result with <see cref="ProducerResult{TPass}.Error"/>;
    /// only a fatal producer error fails the stream. When upstream completes, the flow completes after every
    /// pending delivery report has arrived and been emitted. The producer is disposed when the stage stops.
    /// Each materialization owns one librdkafka producer. A stream with many messages per second should use
    /// <see cref="CreateBatched{TPass}"/>: this flow does the stream's per-element work for every message.
    /// </remarks>
    public static Flow<ProducerMessage<TPass>, ProducerResult<TPass>, NotUsed> Create<TPass>(ProducerSettings settings) =>
        Flow.Create<ProducerMessage<TPass>>()
            .Select(IReadOnlyList<ProducerMessage<TPass>> (message) => [message])
            .Via(CreateBatched<TPass>(settings))
            .SelectMany(batch => batch.Results());

    /// <summary>
    /// A flow that produces every message of each incoming batch and emits one <see cref="ProducerBatchResult{TPass}"/>
    /// per batch, in input order, once every message of the batch has its delivery report.
    /// </summary>
    /// <remarks>
    /// The same guarantees as <see cref="Create{TPass}"/>, counted in messages: at most
    /// <see cref="ProducerSettings.MaxInFlight"/> messages are between being produced and being emitted, except that
    /// the oldest batch is always produced whole (so one batch larger than the bound still goes through), and the next
    /// batch is pulled only when the current one has been produced. Failed deliveries are reported per message in the
    /// batch result; only a fatal producer error fails the stream.
    /// </remarks>
    public static Flow<IReadOnlyList<ProducerMessage<TPass>>, ProducerBatchResult<TPass>, NotUsed> CreateBatched<TPass>(ProducerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Flow.FromGraph(new ProducerStage<TPass>(settings));
    }
}
