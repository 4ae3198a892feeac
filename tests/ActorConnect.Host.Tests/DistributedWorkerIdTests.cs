using ActorConnect.Cluster.Config;

namespace ActorConnect.Host.Tests;

/// <summary>The REST API listens on loopback by default, which must not give every node of a cluster the same worker id.</summary>
public sealed class DistributedWorkerIdTests
{
    private static DistributedConfig Config(params (string Key, string Value)[] extra)
    {
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = "127.0.0.1:9092",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["group.id"] = "connect-cluster",
            ["cluster.hostname"] = "node-a.example",
            ["cluster.port"] = "25520",
            ["cluster.seed.nodes"] = "node-a.example:25520",
        };
        foreach (var (key, value) in extra)
        {
            props[key] = value;
        }

        return DistributedConfig.Parse(props);
    }

    [Fact]
    public void A_loopback_address_nobody_chose_gives_way_to_the_cluster_host_name() =>
        Assert.Equal("node-a.example:8083", DistributedCommand.DistinctWorkerId("127.0.0.1:8083", Config()));

    [Fact]
    public void An_advertised_host_the_user_chose_is_kept_even_on_loopback() =>
        Assert.Equal("127.0.0.1:8083", DistributedCommand.DistinctWorkerId("127.0.0.1:8083", Config(("rest.advertised.host.name", "127.0.0.1"))));

    [Fact]
    public void A_reachable_advertised_address_is_the_worker_id_as_in_Kafka_Connect() =>
        Assert.Equal("10.0.0.7:8083", DistributedCommand.DistinctWorkerId("10.0.0.7:8083", Config()));
}
