using System.Collections.Concurrent;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Source;

namespace ActorConnect.Runtime.Tests.TestConnectors;

/// <summary>A connector whose start() blocks until the test releases it (TestRegistry-style, keyed by name).</summary>
public sealed class BlockingStartConnector : SourceConnector
{
    public static readonly ConcurrentDictionary<string, ManualResetEventSlim> Gates = new();

    public override string Version => "test";

    public override Type TaskType => typeof(SequenceSourceTask);

    public override ConfigDef Config() => new();

    public override void Start(IReadOnlyDictionary<string, string> props) => Gates.GetOrAdd(props["name"], _ => new ManualResetEventSlim()).Wait();

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [];

    public override void Stop()
    {
    }
}
