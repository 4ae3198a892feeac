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
/// A source task's per-record work between poll() and the producer, on a batch of file lines (100 bytes, string
/// schema, as FileStreamSource makes them): the transform chain, then the value converter (JsonConverter without
/// schemas). Baseline: no transform. Chain: HoistField$Value (the line into a struct field), InsertField$Value (a static
/// field) and ReplaceField$Value (a rename), each building its output schema once and reusing it, as Kafka Connect's do.
/// </summary>
[MemoryDiagnoser]
public class TransformChainBenchmark
{
    private const int BatchSize = 10_000;
    private readonly SourceRecord[] _records = new SourceRecord[BatchSize];
    private TransformationChain<SourceRecord> _none = null!;
    private TransformationChain<SourceRecord> _three = null!;
    private RetryWithToleranceOperator _errors = null!;
    private IConverter _converter = null!;

    [GlobalSetup]
    public void Setup()
    {
        var plugins = PluginRegistry.CreateDefault([]);
        _none = TransformationChainFactory.Create<SourceRecord>(new Dictionary<string, string>(), plugins);
        _three = TransformationChainFactory.Create<SourceRecord>(new Dictionary<string, string>
        {
            ["transforms"] = "hoist,insert,rename",
            ["transforms.hoist.type"] = "org.apache.kafka.connect.transforms.HoistField$Value",
            ["transforms.hoist.field"] = "line",
            ["transforms.insert.type"] = "org.apache.kafka.connect.transforms.InsertField$Value",
            ["transforms.insert.static.field"] = "source",
            ["transforms.insert.static.value"] = "bench",
            ["transforms.rename.type"] = "org.apache.kafka.connect.transforms.ReplaceField$Value",
            ["transforms.rename.renames"] = "line:message",
        }, plugins);
        _errors = new RetryWithToleranceOperator(ErrorHandlingSettings.From(new Dictionary<string, string> { ["name"] = "bench", ["connector.class"] = "FileStreamSource" }), [], NoLogger.Instance);
        _converter = PluginRegistry.CreateConverter("org.apache.kafka.connect.json.JsonConverter", new Dictionary<string, string> { ["schemas.enable"] = "false" }, isKey: false);
        var partition = new Dictionary<string, object?> { ["filename"] = "/data/input.txt" };
        for (var i = 0; i < BatchSize; i++)
        {
            var line = $"{i:D10} " + new string('x', 89);
            _records[i] = new SourceRecord(partition, new Dictionary<string, object?> { ["position"] = (long)(i * 101) }, "bench", null, null, null, Schema.StringSchema, line);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize, Description = "no transform")]
    public long NoTransform() => Run(_none);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "HoistField, InsertField, ReplaceField")]
    public long ThreeTransforms() => Run(_three);

    [GlobalCleanup]
    public void Cleanup()
    {
        _none.Dispose();
        _three.Dispose();
        _errors.Dispose();
    }

    private long Run(TransformationChain<SourceRecord> chain)
    {
        long bytes = 0;
        foreach (var record in _records)
        {
            if (chain.Apply(record, _errors) is { } transformed)
            {
                bytes += _converter.FromConnectData(transformed.Topic, transformed.Headers, transformed.ValueSchema, transformed.Value)?.Length ?? 0;
            }
        }

        return bytes;
    }
}
