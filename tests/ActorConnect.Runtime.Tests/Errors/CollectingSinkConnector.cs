using System.Collections.Concurrent;
using System.Text.Json;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>What a <see cref="CollectingSinkTask"/> saw, per connector name.</summary>
public sealed class SinkCollector
{
    private static readonly ConcurrentDictionary<string, SinkCollector> ByConnector = new();

    public static SinkCollector For(string connector) => ByConnector.GetOrAdd(connector, _ => new SinkCollector());

    /// <summary>Every record put() accepted: (partition, offset, value as text).</summary>
    public ConcurrentQueue<(int Partition, long Offset, string Value)> Records { get; } = new();

    /// <summary>The offsets of every batch put() was called with, including the ones it refused.</summary>
    public ConcurrentQueue<long[]> Batches { get; } = new();

    /// <summary>The consumer's assignment generation at each put() call: unchanged while the consumer keeps its group.</summary>
    public ConcurrentQueue<int> Generations { get; } = new();

    /// <summary>Records handed to the errant record reporter.</summary>
    public ConcurrentQueue<long> Reported { get; } = new();

    /// <summary>Whether the task's context had an errant record reporter.</summary>
    public bool? HadReporter { get; set; }

    public int RetriableFailuresLeft;
}

/// <summary>
/// A sink that records what it is given (<see cref="SinkCollector"/>). <c>retriable.failures</c>: the first N put()
/// calls with records throw a RetriableException (after asking for a 10 ms timeout). <c>errant.marker</c>: records
/// whose value contains it are handed to the errant record reporter instead of being kept.
/// </summary>
public sealed class CollectingSinkConnector : SinkConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "test";

    public override Type TaskType => typeof(CollectingSinkTask);

    public override ConfigDef Config() => new ConfigDef()
        .Define("retriable.failures", ConfigType.Int, 0, Importance.Low, "put() calls that throw a RetriableException.")
        .Define("errant.marker", ConfigType.String, "", Importance.Low, "Values containing it are reported as errant.");

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _props = props;
        SinkCollector.For(props["name"]).RetriableFailuresLeft = int.Parse(props.GetValueOrDefault("retriable.failures", "0"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, maxTasks).Select(_ => _props).ToList();

    public override void Stop()
    {
    }
}

public sealed class CollectingSinkTask : SinkTask
{
    private SinkCollector _collector = null!;
    private string _marker = "";

    public override string Version => "test";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _collector = SinkCollector.For(props["name"]);
        _marker = props.GetValueOrDefault("errant.marker", "");
        _collector.HadReporter = Context.ErrantRecordReporter is not null;
    }

    public override void Put(IReadOnlyCollection<SinkRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        _collector.Batches.Enqueue(records.Select(r => r.KafkaOffset).ToArray());
        if (Context is Runtime.Tasks.SinkTaskContext { Control: { } control })
        {
            _collector.Generations.Enqueue(control.AssignmentGeneration);
        }

        if (Interlocked.Decrement(ref _collector.RetriableFailuresLeft) >= 0)
        {
            Context.Timeout(10);
            throw new RetriableException("the target system is briefly unavailable");
        }

        var reports = new List<Task>();
        foreach (var r in records)
        {
            var text = Text(r.Value);
            if (_marker.Length > 0 && text.Contains(_marker, StringComparison.Ordinal))
            {
                _collector.Reported.Enqueue(r.KafkaOffset);
                reports.Add(Context.ErrantRecordReporter!.Report(r, new InvalidOperationException($"the target refuses '{text}'")));
            }
            else
            {
                _collector.Records.Enqueue((r.KafkaPartition ?? -1, r.KafkaOffset, text));
            }
        }

        Task.WaitAll(reports);
    }

    private static string Text(object? value) => value switch
    {
        null => "null",
        string s => s,
        _ => JsonSerializer.Serialize(value),
    };

    public override void Stop()
    {
    }
}
