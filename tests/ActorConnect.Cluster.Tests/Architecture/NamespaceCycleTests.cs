using ActorConnect.Cluster.Config;
using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests.Architecture;

/// <summary>
/// Distributed mode's namespaces form layers, as the runtime's do: settings (<c>Config</c>), the Kafka-backed stores
/// (<c>Storage</c>), the entities and what a node shares with them (<c>Sharding</c>), discovery, the worker actor, then
/// the node itself at the root.
/// </summary>
public sealed class NamespaceCycleTests
{
    [Fact]
    public void The_cluster_projects_namespaces_use_each_other_without_a_cycle()
    {
        var cycles = NamespaceDependencies.Of(typeof(ClusterSettings).Assembly).Cycles();

        Assert.True(cycles.Count == 0, string.Join(Environment.NewLine, cycles));
    }
}
