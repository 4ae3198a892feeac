using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Runtime.Tests.TestConnectors;

/// <summary>
/// A verifiable source: each task emits "task:seq" lines, seq counting from its stored offset; it can be told to fail
/// (TestRegistry.FailuresLeft) and to change its task count (TestRegistry.DesiredTasks + RequestTaskReconfiguration).
/// </summary>
public sealed class SequenceSourceConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "test";

    public override Type TaskType => typeof(SequenceSourceTask);

    public override ConfigDef Config() => new ConfigDef()
        .DefineRequired("topic", ConfigType.String, Importance.High, "Topic to write to.")
        .Define("records", ConfigType.Long, 1000L, Importance.Low, "Records per task.");

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _props = props;
        TestRegistry.Contexts[props["name"]] = Context;
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks)
    {
        var count = TestRegistry.DesiredTasks.TryGetValue(_props["name"], out var n) ? n : maxTasks;
        return Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_props)
        {
            ["task.index"] = i.ToString(),
            ["task.count"] = count.ToString(),
        }).ToList();
    }

    public override void Stop()
    {
    }
}

public sealed class SequenceSourceTask : SourceTask
{
    private string _name = "";
    private string _topic = "";
    private string? _secret;
    private int _index;
    private long _next;
    private long _max;
    private Dictionary<string, object?> _partition = new();
    private readonly ManualResetEventSlim _idle = new();

    public override string Version => "test";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _name = props["name"];
        _topic = props["topic"];
        _index = int.Parse(props["task.index"]);
        _max = long.Parse(props.GetValueOrDefault("records", "1000"));
        _partition = new Dictionary<string, object?> { ["task"] = _index };
        var offset = Context.OffsetStorageReader.Offset(_partition);
        _next = offset?["seq"] is long seq ? seq + 1 : 0;
        TestRegistry.StartedTaskConfigs.GetOrAdd(_name, _ => new()).Enqueue($"{_index}/{props["task.count"]}");
        if (props.TryGetValue("secret", out var secret))
        {
            TestRegistry.SecretsSeen[_name] = secret;
            _secret = secret;
        }
    }

    public override IReadOnlyList<SourceRecord>? Poll()
    {
        if (TestRegistry.FailuresLeft.TryGetValue(_name, out var left) && left > 0)
        {
            TestRegistry.FailuresLeft[_name] = left - 1;
            throw new InvalidOperationException($"boom from {_name} task {_index}");
        }

        if (TestRegistry.FailQuotingSecret.ContainsKey(_name))
        {
            throw new ActorConnect.Api.Errors.ConnectException($"cannot log in with {_secret}", new IOException($"the server refused {_secret}"));
        }

        if (TestRegistry.FailingTasks.ContainsKey($"{_name}/{_index}"))
        {
            throw new InvalidOperationException($"task {_name}/{_index} is told to fail");
        }

        if (_next >= _max)
        {
            _idle.Wait(20); // a real source waits a little for data; this one has no more to give
            return null;
        }

        var batch = new List<SourceRecord>();
        for (var i = 0; i < 100 && _next < _max; i++, _next++)
        {
            batch.Add(new SourceRecord(_partition, new Dictionary<string, object?> { ["seq"] = _next }, _topic, null,
                Schema.StringSchema, $"{_index}:{_next}", Schema.StringSchema, $"{_index}:{_next}"));
        }

        return batch;
    }

    public override void Stop()
    {
    }
}
