using ActorConnect.Api.Errors;
using ActorConnect.Kafka;
using ActorConnect.TestSupport;
using Akka.Configuration;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Tests;

/// <summary>Distributed mode's defaults come from the shipped hocon/cluster.conf only, and a bad override names its key.</summary>
public sealed class ClusterSettingsTests
{
    private static Akka.Configuration.Config Shipped() => ClusterSettings.DefaultConfig().WithFallback(Runtime.Config.RuntimeSettings.DefaultConfig());

    [Fact]
    public void The_shipped_hocon_gives_the_cluster_settings_their_values()
    {
        var s = ClusterSettings.Create(Shipped());
        Assert.Equal(TimeSpan.FromSeconds(1), s.ReconcileInterval);
        Assert.Equal(60, s.NumberOfShards);
        Assert.Equal(TimeSpan.FromSeconds(30), s.EntityAskTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), s.HandOverGrace);
        Assert.Equal(TimeSpan.FromSeconds(20), s.JoinWarningAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), s.BrokerWait);
        Assert.Equal(TimeSpan.FromSeconds(60), s.WorkerAskTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), s.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), s.DiscoveryLeaveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), s.HandOverSettle);
        Assert.Equal(TimeSpan.FromSeconds(1), s.EntityLoadRetry);
        Assert.Equal((TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)), s.ReconcileAfterRemoval);
        Assert.Equal(KafkaLogTimeouts.Default, s.InternalTopics);
        Assert.Equal(s, ClusterSettings.Default);
    }

    [Theory]
    [InlineData("actorconnect.cluster.hand-over-settle = soon", "actorconnect.cluster.hand-over-settle")]
    [InlineData("actorconnect.cluster.reconcile-after-removal.first = 0ms", "actorconnect.cluster.reconcile-after-removal.first")]
    [InlineData("actorconnect.cluster.discovery.forget-after = never", "actorconnect.cluster.discovery.forget-after")]
    [InlineData("actorconnect.cluster.number-of-shards = 0", "actorconnect.cluster.number-of-shards")]
    [InlineData("actorconnect.internal-topics.operation-timeout = 0s", "actorconnect.internal-topics.operation-timeout")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key)
    {
        var e = HoconOverrides.Refused<ConfigException>(hocon, Shipped(), ClusterSettings.Create);
        Assert.Equal(key, e.Name);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
