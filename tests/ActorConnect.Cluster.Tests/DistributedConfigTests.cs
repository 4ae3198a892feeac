using ActorConnect.Api.Errors;
using ActorConnect.Cluster.Config;
using ActorConnect.Kafka;

namespace ActorConnect.Cluster.Tests;

public sealed class DistributedConfigTests
{
    private static Dictionary<string, string> Minimal() => new()
    {
        ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        ["group.id"] = "connect-cluster",
    };

    [Fact]
    public void Defaults_are_Kafka_Connects_topics_and_partitions_with_the_brokers_replication()
    {
        var config = DistributedConfig.Parse(Minimal());
        Assert.Equal(("connect-configs", 1, (short)-1), (config.ConfigTopic(BrokerFeatures.Modern).Topic, config.ConfigTopic(BrokerFeatures.Modern).Partitions, config.ConfigTopic(BrokerFeatures.Modern).ReplicationFactor));
        Assert.Equal(("connect-offsets", 25), (config.OffsetTopic(BrokerFeatures.Modern).Topic, config.OffsetTopic(BrokerFeatures.Modern).Partitions));
        Assert.Equal(("connect-status", 5), (config.StatusTopic(BrokerFeatures.Modern).Topic, config.StatusTopic(BrokerFeatures.Modern).Partitions));
        Assert.Equal(2552, config.Port);
        Assert.Empty(config.SeedNodes);
        Assert.Equal(8083, config.RestPort);
    }

    [Fact]
    public void Cluster_keys_and_topics_are_read()
    {
        var props = Minimal();
        props["cluster.hostname"] = "10.0.0.5";
        props["cluster.port"] = "2600";
        props["cluster.seed.nodes"] = "10.0.0.5:2600, 10.0.0.6:2600";
        props["offset.storage.topic"] = "my-offsets";
        props["offset.storage.replication.factor"] = "3";
        props["listeners"] = "http://0.0.0.0:9000";
        var config = DistributedConfig.Parse(props);
        Assert.Equal(("10.0.0.5", 2600), (config.Hostname, config.Port));
        Assert.Equal(new[] { ("10.0.0.5", 2600), ("10.0.0.6", 2600) }, config.SeedNodes);
        Assert.Equal(("my-offsets", (short)3), (config.OffsetTopic(BrokerFeatures.Modern).Topic, config.OffsetTopic(BrokerFeatures.Modern).ReplicationFactor));
        Assert.Equal(9000, config.RestPort);
        Assert.Equal("akka.tcp://actorconnect@10.0.0.6:2600", ClusterSettings.SeedAddresses(config, "actorconnect")[1].ToString());
    }

    [Fact]
    public void Every_bad_key_is_named_in_one_error()
    {
        var props = Minimal();
        props.Remove("group.id");
        props.Remove("value.converter");
        props["cluster.seed.nodes"] = "no-port";
        props["status.storage.replication.factor"] = "0";
        var e = Assert.Throws<ConfigException>(() => DistributedConfig.Parse(props));
        Assert.Contains("group.id", e.Message);
        Assert.Contains("value.converter", e.Message);
        Assert.Contains("no-port", e.Message);
        Assert.Contains("status.storage.replication.factor", e.Message);
    }

    [Fact]
    public void The_node_config_carries_the_address_and_the_embedded_cluster_defaults()
    {
        var props = Minimal();
        props["cluster.hostname"] = "127.0.0.1";
        props["cluster.port"] = "0";
        var hocon = ClusterSettings.NodeConfig(DistributedConfig.Parse(props));
        Assert.Equal("cluster", hocon.GetString("akka.actor.provider"));
        Assert.Equal("127.0.0.1", hocon.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("keep-majority", hocon.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(1), ClusterSettings.Create(hocon).ReconcileInterval);
        Assert.Equal("30s", hocon.GetString("actorconnect.task-restart.max-backoff"));
    }

    [Fact]
    public void Environment_variables_override_the_hocon_defaults()
    {
        var props = Minimal();
        var env = new Dictionary<string, string>
        {
            ["ACTORCONNECT__AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__ACTIVE_STRATEGY"] = "keep-oldest",
            ["ACTORCONNECT__ACTORCONNECT__CLUSTER__RECONCILE_INTERVAL"] = "5s",
            ["PATH"] = "/usr/bin",
        };
        var hocon = ClusterSettings.NodeConfig(DistributedConfig.Parse(props), Akka.Configuration.ConfigurationFactory.ParseString("actorconnect.cluster.reconcile-interval = 9s"), env);
        Assert.Equal("keep-oldest", hocon.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(5), ClusterSettings.Create(hocon).ReconcileInterval);
        Assert.Equal("2s", hocon.GetString("akka.cluster.split-brain-resolver.stable-after"));
    }

    [Fact]
    public void Discovery_windows_that_would_let_a_worker_form_a_cluster_beside_a_live_one_are_refused_naming_the_settings()
    {
        var defaults = ClusterSettings.Create(ClusterSettings.DefaultConfig()).Discovery;
        Assert.Equal(new DiscoverySettings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60)), defaults);

        var env = new Dictionary<string, string> { ["ACTORCONNECT__ACTORCONNECT__CLUSTER__DISCOVERY__STABLE_MARGIN"] = "1s" };
        var hocon = ClusterSettings.NodeConfig(DistributedConfig.Parse(Minimal()), null, env);
        var e = Assert.Throws<ActorConnect.Api.Errors.ConfigException>(() => ClusterSettings.Create(hocon));
        Assert.Contains("stable-margin", e.Message, StringComparison.Ordinal);
        Assert.Contains("live-window", e.Message, StringComparison.Ordinal);
    }
}
