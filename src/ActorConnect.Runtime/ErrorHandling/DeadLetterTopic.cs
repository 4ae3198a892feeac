using ActorConnect.Kafka;
using Akka.Event;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>Creates the dead-letter topic when it does not exist, as Kafka Connect does (one partition).</summary>
internal static class DeadLetterTopic
{
    /// <summary>
    /// Makes sure the topic exists. A broker older than 0.10 has no CreateTopics request, so there the topic is left to
    /// the broker's auto-creation (a refused write then fails the task at its next offset commit, naming the topic); a
    /// modern broker that cannot create it is logged, and auto-creation tried the same way. Each request waits up to
    /// <paramref name="timeout"/> (<c>actorconnect.dead-letter-queue.admin-timeout</c>).
    /// </summary>
    public static void Ensure(string bootstrapServers, IEnumerable<KeyValuePair<string, string>> clientProperties, BrokerFeatures features,
        string topic, short replicationFactor, ILoggingAdapter log, TimeSpan timeout)
    {
        if (features.IsLegacy)
        {
            log.Info("Dead letter queue topic '{0}': the broker (older than 0.10) cannot create topics on request; relying on its auto-creation", topic);
            return;
        }

        var config = new AdminClientConfig();
        foreach (var (key, value) in clientProperties)
        {
            config.Set(key, value);
        }

        config.BootstrapServers = bootstrapServers;
        features.ApplyTo(config);
        try
        {
            using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
            // All topics, not just this one: asking a producer-type client about one topic may auto-create it with the
            // broker's default partition count.
            var metadata = admin.GetMetadata(timeout);
            if (metadata.Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError))
            {
                return;
            }

            admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = replicationFactor }],
                new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout }).Wait(timeout);
            log.Info("Created the dead letter queue topic '{0}' (1 partition, replication factor {1})", topic, replicationFactor);
        }
        catch (Exception e) when (e is KafkaException or AggregateException)
        {
            var cause = e is AggregateException { InnerException: { } inner } ? inner : e;
            if (cause is CreateTopicsException c && c.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
            {
                return;
            }

            log.Warning("Could not create the dead letter queue topic '{0}' (replication factor {1}): {2}; relying on the broker's auto-creation",
                topic, replicationFactor, cause.Message);
        }
    }
}
