using ActorConnect.TestSupport;

namespace ActorConnect.Kafka.Tests;

/// <summary>The Kafka project's namespaces use each other without a cycle, as the runtime's do.</summary>
public sealed class NamespaceCycleTests
{
    [Fact]
    public void The_kafka_projects_namespaces_use_each_other_without_a_cycle()
    {
        var cycles = NamespaceDependencies.Of(typeof(ConsumerSettings).Assembly).Cycles();

        Assert.True(cycles.Count == 0, string.Join(Environment.NewLine, cycles));
    }
}
