using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Sink;

namespace ActorConnect.Cluster.Tests.TestConnectors;

/// <summary>
/// A verifiable sink, as Kafka Connect's system tests use: every task appends each "task:seq" value it is given to a
/// file of its own under <c>output.dir</c> (one file per task instance, so processes never share one), and makes it
/// durable in <c>flush</c>, before the runtime commits the offsets. What the files hold is then everything delivered
/// and committed, plus what was delivered after the last commit, so a reader counts gaps and duplicates per source task.
/// </summary>
public sealed class VerifiableSinkConnector : SinkConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "test";

    public override Type TaskType => typeof(VerifiableSinkTask);

    public override ConfigDef Config() => new ConfigDef()
        .DefineRequired("output.dir", ConfigType.String, Importance.High, "Directory the tasks write what they receive to.");

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, maxTasks).Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_props) { ["task.index"] = i.ToString() }).ToList();

    public override void Stop()
    {
    }
}

public sealed class VerifiableSinkTask : SinkTask
{
    private FileStream? _file;
    private StreamWriter? _writer;

    public override string Version => "test";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        var path = Path.Combine(props["output.dir"], $"{props["name"]}-{props["task.index"]}-{Environment.ProcessId}-{Guid.NewGuid():N}.received");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(_file);
    }

    public override void Put(IReadOnlyCollection<SinkRecord> records)
    {
        foreach (var record in records)
        {
            _writer!.WriteLine(record.Value as string);
        }
    }

    public override void Flush(IReadOnlyDictionary<TopicPartition, long> currentOffsets)
    {
        _writer!.Flush();
        _file!.Flush(flushToDisk: true);
    }

    public override void Stop()
    {
        _writer?.Dispose();
    }
}
