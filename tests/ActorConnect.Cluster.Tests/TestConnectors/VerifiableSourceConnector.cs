using System.Collections.Concurrent;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Cluster.Tests.TestConnectors;

/// <summary>
/// A verifiable source, as Kafka Connect's system tests use: each task emits "task:seq" records, seq counting up
/// from one past its stored offset (offset = last sequence number), so a reader can count gaps and duplicates per
/// task exactly. Slowed by <c>poll.delay.ms</c> so a test does not flood the broker. It also counts the live
/// instances of each task across every in-process node, to prove a task never runs twice at once; across processes,
/// each instance marks itself live in <c>live.dir</c> and names itself in its records' keys ("task:seq@writer").
/// </summary>
public sealed class VerifiableSourceConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "test";

    public override Type TaskType => typeof(VerifiableSourceTask);

    public override ConfigDef Config() => new ConfigDef()
        .DefineRequired("topic", ConfigType.String, Importance.High, "Topic to write to.")
        .Define("batch.size", ConfigType.Int, 10, Importance.Low, "Records per poll.")
        .Define("poll.delay.ms", ConfigType.Int, 20, Importance.Low, "Pause before each poll.")
        .Define("topic.partitions", ConfigType.Int, 0, Importance.Low, "When set, task i writes to partition i modulo this, so each task's records stay in order in one partition.")
        .Define("live.dir", ConfigType.String, "", Importance.Low, "When set, each running instance holds a locked file here (see VerifiableSourceTask.LiveInstancesIn), so a test counts instances across processes.");

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, maxTasks).Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_props) { ["task.index"] = i.ToString() }).ToList();

    public override void Stop()
    {
    }
}

public sealed class VerifiableSourceTask : SourceTask
{
    private static readonly ConcurrentDictionary<string, int> LiveTasks = new();
    private static readonly ConcurrentDictionary<string, int> MaxLiveTasks = new();
    private static readonly ConcurrentDictionary<string, int> Starts = new();
    private static int _instances;
    private readonly string _writer = $"{Environment.ProcessId}.{Interlocked.Increment(ref _instances)}";
    private FileStream? _liveMark;
    private readonly ManualResetEventSlim _stopping = new();
    private string _key = "";
    private string _topic = "";
    private int _index;
    private int _batch;
    private int _delayMs;
    private int? _kafkaPartition;
    private long _next;
    private Dictionary<string, object?> _partition = new();

    public override string Version => "test";

    /// <summary>The most instances of any one task of <paramref name="connector"/> that ever ran at the same time.</summary>
    public static int MaxConcurrentInstances(string connector) =>
        MaxLiveTasks.Where(kv => kv.Key.StartsWith(connector + "/", StringComparison.Ordinal)).Select(kv => kv.Value).DefaultIfEmpty(0).Max();

    /// <summary>How many instances of task <paramref name="task"/> of <paramref name="connector"/> run now, in every in-process node.</summary>
    public static int LiveInstances(string connector, int task) => LiveTasks.GetValueOrDefault(connector + "/" + task);

    /// <summary>
    /// How many instances of task <paramref name="task"/> of <paramref name="connector"/> run now, in any process, by
    /// their marks in <paramref name="liveDir"/>: a running instance holds its mark locked, and the lock ends with its
    /// process, so a SIGKILLed instance's mark (left behind) does not count.
    /// </summary>
    public static int LiveInstancesIn(string liveDir, string connector, int task) =>
        Directory.GetFiles(liveDir, $"{connector}-{task}-*.live").Count(IsLocked);

    private static bool IsLocked(string mark)
    {
        try
        {
            using var probe = new FileStream(mark, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>How many times any task of <paramref name="connector"/> was started, in every in-process node.</summary>
    public static int StartCount(string connector) =>
        Starts.Where(kv => kv.Key.StartsWith(connector + "/", StringComparison.Ordinal)).Sum(kv => kv.Value);

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _index = int.Parse(props["task.index"]);
        _key = props["name"] + "/" + _index;
        _topic = props["topic"];
        _batch = int.Parse(props.GetValueOrDefault("batch.size", "10"));
        _delayMs = int.Parse(props.GetValueOrDefault("poll.delay.ms", "20"));
        _kafkaPartition = int.Parse(props.GetValueOrDefault("topic.partitions", "0")) is > 0 and var partitions ? _index % partitions : null;
        _partition = new Dictionary<string, object?> { ["task"] = _index };
        var offset = Context.OffsetStorageReader.Offset(_partition);
        _next = offset?["seq"] is long seq ? seq + 1 : 0;
        if (props.GetValueOrDefault("live.dir") is { Length: > 0 } dir)
        {
            // FileShare.None takes an exclusive lock on Unix, which another process's open sees until this process ends.
            _liveMark = new FileStream(Path.Combine(dir, $"{props["name"]}-{_index}-{_writer}.live"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }

        Starts.AddOrUpdate(_key, 1, (_, n) => n + 1);
        var live = LiveTasks.AddOrUpdate(_key, 1, (_, n) => n + 1);
        MaxLiveTasks.AddOrUpdate(_key, live, (_, n) => Math.Max(n, live));
    }

    public override IReadOnlyList<SourceRecord>? Poll()
    {
        if (_stopping.Wait(_delayMs))
        {
            return null;
        }

        var batch = new List<SourceRecord>(_batch);
        for (var i = 0; i < _batch; i++, _next++)
        {
            batch.Add(new SourceRecord(_partition, new Dictionary<string, object?> { ["seq"] = _next }, _topic, _kafkaPartition,
                Schema.StringSchema, $"{_index}:{_next}@{_writer}", Schema.StringSchema, $"{_index}:{_next}"));
        }

        return batch;
    }

    public override void Stop()
    {
        if (!_stopping.IsSet)
        {
            _stopping.Set();
            _liveMark?.Dispose();
            LiveTasks.AddOrUpdate(_key, 0, (_, n) => n - 1);
        }
    }
}
