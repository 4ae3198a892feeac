using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Sink;

namespace ActorConnect.Runtime.Tests.TestConnectors;

/// <summary>A sink that records every value it is given, per connector name, for the test to check.</summary>
public sealed class RecordingSinkConnector : SinkConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "test";

    public override Type TaskType => typeof(RecordingSinkTask);

    public override ConfigDef Config() => new();

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, maxTasks).Select(_ => _props).ToList();

    public override void Stop()
    {
    }
}

public sealed class RecordingSinkTask : SinkTask
{
    private string _name = "";

    public override string Version => "test";

    public override void Start(IReadOnlyDictionary<string, string> props) => _name = props["name"];

    public override void Put(IReadOnlyCollection<SinkRecord> records)
    {
        var q = TestRegistry.ReceivedBy(_name);
        foreach (var r in records)
        {
            q.Enqueue(r.Value?.ToString() ?? "null");
        }
    }

    public override void Stop()
    {
    }
}
