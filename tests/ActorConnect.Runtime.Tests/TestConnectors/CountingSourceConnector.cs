using System.Collections.Concurrent;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Runtime.Tests.TestConnectors;

/// <summary>Counts, per connector, how many records its task handed out in poll() and how many Kafka acknowledged.</summary>
public sealed class SourceCounts
{
    private static readonly ConcurrentDictionary<string, SourceCounts> All = new();
    private long _polled;
    private long _acked;
    private long _maxAhead;

    public static SourceCounts For(string connector) => All.GetOrAdd(connector, _ => new SourceCounts());

    public long Polled => Interlocked.Read(ref _polled);

    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>The most records ever polled but not yet acknowledged, seen at the start of a poll.</summary>
    public long MaxAhead => Interlocked.Read(ref _maxAhead);

    internal void BeforePoll()
    {
        var ahead = Polled - Acked;
        long seen;
        while (ahead > (seen = Interlocked.Read(ref _maxAhead)) && Interlocked.CompareExchange(ref _maxAhead, ahead, seen) != seen)
        {
        }
    }

    internal void AddPolled(int n) => Interlocked.Add(ref _polled, n);

    internal void AddAcked() => Interlocked.Increment(ref _acked);
}

/// <summary>An endless source of small records that counts its polls and acknowledgements (CommitRecord).</summary>
public sealed class CountingSourceConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "test";

    public override Type TaskType => typeof(CountingSourceTask);

    public override ConfigDef Config() => new ConfigDef().DefineRequired("topic", ConfigType.String, Importance.High, "Topic.");

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => new[] { _props };

    public override void Stop()
    {
    }
}

public sealed class CountingSourceTask : SourceTask
{
    private static readonly Dictionary<string, object?> Partition = new() { ["p"] = 0 };
    private SourceCounts _counts = null!;
    private string _topic = "";
    private long _next;

    public override string Version => "test";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _counts = SourceCounts.For(props["name"]);
        _topic = props["topic"];
    }

    public override IReadOnlyList<SourceRecord>? Poll()
    {
        _counts.BeforePoll();
        var batch = new List<SourceRecord>(100);
        for (var i = 0; i < 100; i++, _next++)
        {
            batch.Add(new SourceRecord(Partition, new Dictionary<string, object?> { ["n"] = _next }, _topic, Schema.StringSchema, _next.ToString()));
        }

        _counts.AddPolled(batch.Count);
        return batch;
    }

    public override void CommitRecord(SourceRecord record, RecordMetadata? metadata) => _counts.AddAcked();

    public override void Stop()
    {
    }
}
