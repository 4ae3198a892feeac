using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ActorConnect.Bench;

/// <summary>Creates a topic through the Admin API (a modern broker; 0.9 has no CreateTopics, failover.sh uses kafka-local.sh there).</summary>
internal static class CreateTopic
{
    public static int Run(string bootstrap, string topic, int partitions, bool compact)
    {
        using var admin = new AdminClientBuilder(Broker.Configure(new AdminClientConfig(), bootstrap, legacy: false)).Build();
        var spec = new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 };
        if (compact)
        {
            spec.Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" };
        }

        try
        {
            admin.CreateTopicsAsync([spec]).GetAwaiter().GetResult();
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            // Already there: fine.
        }

        return 0;
    }
}
