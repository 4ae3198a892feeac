using ActorConnect.Kafka;
using Akka;
using Akka.Event;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Where a task gets its Kafka clients: the producer stage of a source task, the consumer stage of a sink task, and
/// the dead-letter queue's producer and topic. The worker gives every task the same one (<see cref="TaskServices.Kafka"/>);
/// by default <see cref="ConfluentTaskKafkaClients"/>, which talks to the brokers.
/// </summary>
/// <remarks>
/// Why a seam: as Kafka Connect's WorkerSourceTask and WorkerSinkTask take their clients in their constructors (and
/// Akka.Streams.Kafka's settings take a consumer or producer factory), the task actors here do not build clients
/// themselves, so supervision, offsets, pause and resume, error tolerance and the dead-letter queue can be exercised
/// against an in-memory Kafka that keeps the same contracts. Every implementation must keep the contracts of
/// <see cref="KafkaProducerFlow.CreateBatched{TPass}"/>, <see cref="KafkaConsumerBatchSource.Create"/> (with
/// <see cref="IConsumerControl"/> and <see cref="IPartitionListener"/>) and Confluent's <see cref="IProducer{TKey,TValue}"/>.
/// </remarks>
public interface ITaskKafkaClients
{
    /// <summary>A producer stage with the contract of <see cref="KafkaProducerFlow.CreateBatched{TPass}"/>.</summary>
    Flow<IReadOnlyList<ProducerMessage<TPass>>, ProducerBatchResult<TPass>, NotUsed> Producer<TPass>(ProducerSettings settings);

    /// <summary>A consumer stage with the contract of <see cref="KafkaConsumerBatchSource.Create"/>.</summary>
    Source<IReadOnlyList<ConsumedRecord>, IConsumerControl> ConsumerBatches(ConsumerSettings settings, Subscription subscription, IPartitionListener listener, int maxBatch);

    /// <summary>
    /// The dead-letter queue's producer, built from <paramref name="config"/>; <paramref name="onLog"/> gets the client's
    /// log lines.
    /// </summary>
    IProducer<byte[]?, byte[]?> DeadLetterProducer(ProducerConfig config, Action<Confluent.Kafka.LogMessage> onLog);

    /// <summary>
    /// Makes sure the dead-letter topic exists (one partition), as Kafka Connect does; never throws for a topic it cannot
    /// create. Each request to Kafka waits up to <paramref name="timeout"/>.
    /// </summary>
    void EnsureDeadLetterTopic(string bootstrapServers, IEnumerable<KeyValuePair<string, string>> adminProperties, BrokerFeatures features,
        string topic, short replicationFactor, ILoggingAdapter log, TimeSpan timeout);
}
