using System.Collections.Concurrent;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Sink;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Tasks;

namespace ActorConnect.Runtime.Tests.TestConnectors;

/// <summary>
/// A sink whose every call the test can see (<see cref="SinkProbe"/>, per connector name): what each task was handed
/// and when, its open/close/stop calls, and breaches of the sink task contract. Put can be held on a gate.
/// </summary>
public sealed class ObservedSinkConnector : SinkConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "test";

    public override Type TaskType => typeof(ObservedSinkTask);

    public override ConfigDef Config() => new();

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, maxTasks)
            .Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_props) { ["task.index"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .ToList();

    public override void Stop()
    {
    }
}

public sealed class ObservedSinkTask : SinkTask
{
    private readonly HashSet<TopicPartition> _open = new();
    private readonly ManualResetEventSlim _stopped = new();
    private SinkProbe _probe = null!;
    private int _index;

    public override string Version => "test";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _probe = SinkProbe.For(props["name"]);
        _index = int.Parse(props["task.index"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public override void Open(IReadOnlyCollection<TopicPartition> partitions)
    {
        // The runtime's context knows the task's consumer: the test reads its buffer through it.
        if (Context is SinkTaskContext { Control: { } control })
        {
            _probe.Controls[_index] = control;
        }

        foreach (var tp in partitions.Where(tp => !_open.Add(tp)))
        {
            _probe.Violation($"task {_index}: open({tp}) while it was already open");
        }

        _probe.Record(_index, SinkCall.Open, partitions);
    }

    public override void Put(IReadOnlyCollection<SinkRecord> records)
    {
        _probe.Handed(records.Count);
        if (records.Count > 0)
        {
            // Held here while the test keeps the gate closed, as a sink whose target system stalls; stop() lets go.
            WaitHandle.WaitAny([_probe.Gate.WaitHandle, _stopped.WaitHandle]);
        }

        foreach (var r in records)
        {
            if (!_open.Contains(r.OriginalTopicPartition))
            {
                _probe.Violation($"task {_index}: put of {r.OriginalTopicPartition}@{r.OriginalKafkaOffset} which is not open");
            }

            _probe.Delivered.Enqueue(new DeliveredRecord(_index, r.OriginalTopicPartition.Partition, r.OriginalKafkaOffset, r.Value?.ToString()));
        }
    }

    public override void Close(IReadOnlyCollection<TopicPartition> partitions)
    {
        foreach (var tp in partitions.Where(tp => !_open.Remove(tp)))
        {
            _probe.Violation($"task {_index}: close({tp}) of a partition that was not open");
        }

        _probe.Record(_index, SinkCall.Close, partitions);
    }

    public override void Stop()
    {
        _stopped.Set();
        _probe.Record(_index, SinkCall.Stop, []);
    }
}

public enum SinkCall
{
    Open,
    Close,
    Stop,
}

/// <summary>One call of a sink task: which task, what, and for which partitions of the topic.</summary>
public sealed record SinkEvent(int Task, SinkCall Call, IReadOnlyList<int> Partitions);

/// <summary>One record as a task received it.</summary>
public sealed record DeliveredRecord(int Task, int Partition, long Offset, string? Value);

/// <summary>What the tasks of one <see cref="ObservedSinkConnector"/> did, for the test to check.</summary>
public sealed class SinkProbe
{
    private static readonly ConcurrentDictionary<string, SinkProbe> ByConnector = new();
    private long _handed;
    private int _largestPut;

    /// <summary>Put returns only while this is set; it starts open.</summary>
    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    public ConcurrentQueue<DeliveredRecord> Delivered { get; } = new();

    public ConcurrentQueue<SinkEvent> Events { get; } = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Each task's consumer, as its context holds it.</summary>
    public ConcurrentDictionary<int, IConsumerControl> Controls { get; } = new();

    /// <summary>Records passed to put() so far, counted on entry (before the gate).</summary>
    public long HandedCount => Interlocked.Read(ref _handed);

    /// <summary>The most records one put() call was given.</summary>
    public int LargestPut => Volatile.Read(ref _largestPut);

    public static SinkProbe For(string connector) => ByConnector.GetOrAdd(connector, _ => new SinkProbe());

    /// <summary>Replays the open and close calls: the partitions each task holds open now.</summary>
    public Dictionary<int, SortedSet<int>> OpenPartitions()
    {
        var open = new Dictionary<int, SortedSet<int>>();
        foreach (var e in Events)
        {
            var set = open.TryGetValue(e.Task, out var s) ? s : open[e.Task] = new SortedSet<int>();
            if (e.Call == SinkCall.Open)
            {
                set.UnionWith(e.Partitions);
            }
            else if (e.Call == SinkCall.Close)
            {
                set.ExceptWith(e.Partitions);
            }
        }

        return open;
    }

    public string Describe() => string.Join("; ", Events.Select(e => $"task {e.Task} {e.Call} [{string.Join(",", e.Partitions)}]"));

    internal void Handed(int count)
    {
        Interlocked.Add(ref _handed, count);
        int seen;
        while (count > (seen = Volatile.Read(ref _largestPut)) && Interlocked.CompareExchange(ref _largestPut, count, seen) != seen)
        {
        }
    }

    internal void Record(int task, SinkCall call, IEnumerable<TopicPartition> partitions) =>
        Events.Enqueue(new SinkEvent(task, call, partitions.Select(p => p.Partition).OrderBy(p => p).ToList()));

    internal void Violation(string what) => Violations.Enqueue(what);
}
