using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Transforms;
using Akka.Event;
using BenchmarkDotNet.Attributes;

namespace ActorConnect.Bench.Transforms;

/// <summary>
/// Where TransformChainBenchmark's time goes (run by hand: <c>--filter '*Breakdown*'</c>; bench/transforms.sh leaves
/// it out): each of the three transforms alone on its own input, the chain without the converter, and the converter
/// alone on the chain's output. Also the floor: a chain of three stages that hand the record on unchanged, so what is
/// left is the chain runner and the error handling around each stage.
/// </summary>
[MemoryDiagnoser]
public class TransformBreakdownBenchmark
{
    private const int BatchSize = 10_000;
    private readonly SourceRecord[] _lines = new SourceRecord[BatchSize];
    private readonly SourceRecord[] _hoisted = new SourceRecord[BatchSize];
    private readonly SourceRecord[] _inserted = new SourceRecord[BatchSize];
    private readonly SourceRecord[] _renamed = new SourceRecord[BatchSize];
    private TransformationChain<SourceRecord> _hoist = null!;
    private TransformationChain<SourceRecord> _insert = null!;
    private TransformationChain<SourceRecord> _rename = null!;
    private TransformationChain<SourceRecord> _three = null!;
    private TransformationChain<SourceRecord> _identity = null!;
    private RetryWithToleranceOperator _errors = null!;
    private IConverter _converter = null!;

    [GlobalSetup]
    public void Setup()
    {
        var plugins = PluginRegistry.CreateDefault([]);
        var hoist = new Dictionary<string, string>
        {
            ["transforms.hoist.type"] = "org.apache.kafka.connect.transforms.HoistField$Value",
            ["transforms.hoist.field"] = "line",
        };
        var insert = new Dictionary<string, string>
        {
            ["transforms.insert.type"] = "org.apache.kafka.connect.transforms.InsertField$Value",
            ["transforms.insert.static.field"] = "source",
            ["transforms.insert.static.value"] = "bench",
        };
        var rename = new Dictionary<string, string>
        {
            ["transforms.rename.type"] = "org.apache.kafka.connect.transforms.ReplaceField$Value",
            ["transforms.rename.renames"] = "line:message",
        };
        _hoist = Chain(plugins, "hoist", hoist);
        _insert = Chain(plugins, "insert", insert);
        _rename = Chain(plugins, "rename", rename);
        _three = Chain(plugins, "hoist,insert,rename", hoist, insert, rename);
        // Filter with a predicate that never matches: the stage runs its predicate and hands the record on.
        var keep = new Dictionary<string, string>
        {
            ["predicates"] = "never",
            ["predicates.never.type"] = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
            ["predicates.never.pattern"] = "no-such-topic",
        };
        foreach (var alias in new[] { "a", "b", "c" })
        {
            keep[$"transforms.{alias}.type"] = "org.apache.kafka.connect.transforms.Filter";
            keep[$"transforms.{alias}.predicate"] = "never";
        }

        _identity = Chain(plugins, "a,b,c", keep);
        _errors = new RetryWithToleranceOperator(ErrorHandlingSettings.From(new Dictionary<string, string> { ["name"] = "bench", ["connector.class"] = "FileStreamSource" }), [], NoLogger.Instance);
        _converter = PluginRegistry.CreateConverter("org.apache.kafka.connect.json.JsonConverter", new Dictionary<string, string> { ["schemas.enable"] = "false" }, isKey: false);
        var partition = new Dictionary<string, object?> { ["filename"] = "/data/input.txt" };
        for (var i = 0; i < BatchSize; i++)
        {
            var line = $"{i:D10} " + new string('x', 89);
            _lines[i] = new SourceRecord(partition, new Dictionary<string, object?> { ["position"] = (long)(i * 101) }, "bench", null, null, null, Schema.StringSchema, line);
            _hoisted[i] = _hoist.Apply(_lines[i], _errors)!;
            _inserted[i] = _insert.Apply(_hoisted[i], _errors)!;
            _renamed[i] = _rename.Apply(_inserted[i], _errors)!;
        }
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "HoistField alone")]
    public int Hoist() => Run(_hoist, _lines);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "InsertField alone")]
    public int Insert() => Run(_insert, _hoisted);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "ReplaceField alone")]
    public int Rename() => Run(_rename, _inserted);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "the three, no converter")]
    public int Three() => Run(_three, _lines);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "three pass-through stages (floor of the runner)")]
    public int Identity() => Run(_identity, _lines);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "JsonConverter alone on the chain's output")]
    public long Convert()
    {
        long bytes = 0;
        foreach (var record in _renamed)
        {
            bytes += _converter.FromConnectData(record.Topic, record.Headers, record.ValueSchema, record.Value)?.Length ?? 0;
        }

        return bytes;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var chain in new[] { _hoist, _insert, _rename, _three, _identity })
        {
            chain.Dispose();
        }

        _errors.Dispose();
    }

    private static TransformationChain<SourceRecord> Chain(PluginRegistry plugins, string aliases, params Dictionary<string, string>[] parts)
    {
        var config = new Dictionary<string, string> { ["transforms"] = aliases };
        foreach (var (key, value) in parts.SelectMany(p => p))
        {
            config[key] = value;
        }

        return TransformationChainFactory.Create<SourceRecord>(config, plugins);
    }

    private int Run(TransformationChain<SourceRecord> chain, SourceRecord[] records)
    {
        var kept = 0;
        foreach (var record in records)
        {
            if (chain.Apply(record, _errors) is not null)
            {
                kept++;
            }
        }

        return kept;
    }
}
