using ActorConnect.Runtime.Config;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Architecture;

/// <summary>
/// The runtime's namespaces form a layered graph: a namespace that uses another is never used back by it, directly
/// or through others, so each folder can be read and changed knowing only what it depends on.
/// </summary>
public sealed class NamespaceCycleTests
{
    [Fact]
    public void The_runtimes_namespaces_use_each_other_without_a_cycle()
    {
        var cycles = NamespaceDependencies.Of(typeof(RuntimeSettings).Assembly).Cycles();

        Assert.True(cycles.Count == 0, string.Join(Environment.NewLine, cycles));
    }
}
