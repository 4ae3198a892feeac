using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>KIP-458 in distributed mode: the policy is checked where a distributed worker validates a config.</summary>
[Collection("kafka")]
public sealed class DistributedOverridePolicyTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_distributed_worker_with_the_None_policy_refuses_a_producer_override_at_validation_and_creation()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var node = await cluster.StartNodeAsync("node-a:8083", new Dictionary<string, string> { [ClientConfigOverridePolicy.Key] = "None" });
        var name = KafkaFixture.UniqueName("none");
        var config = ClusterHarness.SourceConfig(name, topic, 1);
        config["producer.override.linger.ms"] = "5";

        var infos = await node.AskAsync<ConfigInfos>(new WorkerProtocol.ValidateConfig(config["connector.class"], config));
        var refused = await Assert.ThrowsAsync<ConfigException>(() => node.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(config)));

        Assert.Equal(1, infos.ErrorCount);
        Assert.StartsWith("The 'None' policy does not allow 'linger.ms'", Assert.Single(infos.Configs.Single(c => c.Value.Name == "producer.override.linger.ms").Value.Errors), StringComparison.Ordinal);
        Assert.Contains("producer.override.linger.ms", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await node.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance));
    }
}
