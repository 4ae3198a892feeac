using ActorConnect.Kafka;
using ActorConnect.Runtime.ErrorHandling;
using Akka;
using Akka.Event;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>The tasks' Kafka clients on the brokers: our Confluent.Kafka-backed stages and librdkafka clients.</summary>
public sealed class ConfluentTaskKafkaClients : ITaskKafkaClients
{
    /// <summary>The one instance; it holds no state.</summary>
    public static ConfluentTaskKafkaClients Instance { get; } = new();

    private ConfluentTaskKafkaClients()
    {
    }

    /// <inheritdoc />
    public Flow<IReadOnlyList<ProducerMessage<TPass>>, ProducerBatchResult<TPass>, NotUsed> Producer<TPass>(ProducerSettings settings) =>
        KafkaProducerFlow.CreateBatched<TPass>(settings);

    /// <inheritdoc />
    public Source<IReadOnlyList<ConsumedRecord>, IConsumerControl> ConsumerBatches(ConsumerSettings settings, Subscription subscription, IPartitionListener listener, int maxBatch) =>
        KafkaConsumerBatchSource.Create(settings, subscription, listener, maxBatch);

    /// <inheritdoc />
    public IProducer<byte[]?, byte[]?> DeadLetterProducer(ProducerConfig config, Action<Confluent.Kafka.LogMessage> onLog) =>
        new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, m) => onLog(m)).Build();

    /// <inheritdoc />
    public void EnsureDeadLetterTopic(string bootstrapServers, IEnumerable<KeyValuePair<string, string>> adminProperties, BrokerFeatures features,
        string topic, short replicationFactor, ILoggingAdapter log, TimeSpan timeout) =>
        DeadLetterTopic.Ensure(bootstrapServers, adminProperties, features, topic, replicationFactor, log, timeout);
}
