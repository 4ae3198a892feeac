using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Converters;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Transforms;

namespace ActorConnect.Host.PipelineTests;

/// <summary>A key or value as it came out: null, or its text, and its JSON when it is JSON.</summary>
/// <param name="Text">The bytes as text (a source's converter output), or a sink's string value; null when it is null or no string.</param>
/// <param name="Json">The value as JSON, when it reads as JSON.</param>
/// <param name="IsNull">True when there is no key or value.</param>
internal sealed record OutputValue(string? Text, JsonNode? Json, bool IsNull);

/// <summary>A record that came out of the pipeline, in the fields a case compares.</summary>
internal sealed record ActualRecord(string Topic, int? Partition, long? Offset, DateTimeOffset? Timestamp, OutputValue Key, OutputValue Value, IReadOnlyList<KeyValuePair<string, string?>> Headers);

/// <summary>What one input record became.</summary>
internal abstract record CaseOutcome
{
    /// <summary>A record came out.</summary>
    public sealed record Produced(ActualRecord Record) : CaseOutcome;

    /// <summary>A transform dropped it (returned null).</summary>
    public sealed record Dropped : CaseOutcome;

    /// <summary>A stage failed on it: the task fails then, or, with <c>errors.tolerance=all</c>, skips the record.</summary>
    public sealed record Failed(string Message, bool Skipped) : CaseOutcome;
}

/// <summary>
/// A connector's converters, transforms and predicates, built as a task builds them (<see cref="ConnectorConverters"/>,
/// <see cref="TransformationChainFactory"/>, <see cref="ErrorHandlingSettings"/>) and run as a task runs them
/// (<see cref="SourceRecordPipeline"/>, <see cref="SinkRecordPipeline"/>), with no broker and no connector task: the
/// records come from a cases file. For a source connector an input is a record as the task returns it from poll(),
/// and what comes out is the bytes the converters write; for a sink connector an input is the bytes on the topic,
/// and what comes out is the record put() gets.
/// </summary>
internal sealed class PipelineUnderTest : IDisposable
{
    private readonly SourceRecordPipeline? _source;
    private readonly SinkRecordPipeline? _sink;
    private readonly LastError _lastError;
    private readonly string? _defaultTopic;

    private PipelineUnderTest(SourceRecordPipeline? source, SinkRecordPipeline? sink, LastError lastError, string? defaultTopic)
    {
        _source = source;
        _sink = sink;
        _lastError = lastError;
        _defaultTopic = defaultTopic;
    }

    public bool IsSource => _source is not null;

    /// <summary>
    /// Builds the pipeline of <paramref name="connector"/>; throws <see cref="ConfigException"/> (an unknown class, a
    /// bad transform key) naming the key at fault.
    /// </summary>
    public static PipelineUnderTest Create(IReadOnlyDictionary<string, string> connector, IReadOnlyDictionary<string, string> workerOriginals, PluginRegistry plugins)
    {
        var className = connector.GetValueOrDefault(ConnectorConfig.ConnectorClass);
        if (string.IsNullOrWhiteSpace(className))
        {
            throw new ConfigException($"Missing required configuration \"{ConnectorConfig.ConnectorClass}\" which has no default value: it says whether the records are a source's or a sink's.");
        }

        var isSource = (plugins.TryResolve(className) ?? throw new ConfigException(ConnectorConfig.ConnectorClass, className, plugins.UnknownConnector(className).Message)).IsSource;
        var settings = ErrorHandlingSettings.From(connector);
        var keyConverter = ConnectorConverters.Create(workerOriginals, connector, isKey: true);
        var valueConverter = ConnectorConverters.Create(workerOriginals, connector, isKey: false);
        var lastError = new LastError();
        var errors = new RetryWithToleranceOperator(settings, [lastError], Akka.Event.NoLogger.Instance);
        if (isSource)
        {
            return new PipelineUnderTest(new SourceRecordPipeline(keyConverter, valueConverter, TransformationChainFactory.Create<SourceRecord>(connector, plugins), errors), null, lastError,
                connector.GetValueOrDefault("topic"));
        }

        var topics = connector.GetValueOrDefault(ConnectorConfig.Topics)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new PipelineUnderTest(null, new SinkRecordPipeline(keyConverter, valueConverter, TransformationChainFactory.Create<SinkRecord>(connector, plugins), errors), lastError,
            topics is { Length: > 0 } ? topics[0] : null);
    }

    /// <summary>Runs one input record through the pipeline; a case whose input names no topic and whose connector has none gets a <see cref="ConfigException"/>.</summary>
    public CaseOutcome Run(CaseRecord input)
    {
        var topic = input.Topic ?? _defaultTopic
            ?? throw new ConfigException($"the input names no topic and the connector has none ({(IsSource ? "topic" : "topics")}); give the input a 'topic:'");
        _lastError.Last = null;
        try
        {
            return IsSource ? RunSource(input, topic) : RunSink(input, topic);
        }
        catch (ToleranceExceededException e)
        {
            return new CaseOutcome.Failed(Messages(e), Skipped: false);
        }
    }

    private CaseOutcome RunSource(CaseRecord input, string topic)
    {
        var headers = new ConnectHeaders((input.Headers ?? []).Select(h => new Header(h.Key, Schema.StringSchema, h.Value)));
        var (keySchema, key) = ConnectData(input.Key, topic, headers, isKey: true);
        var (valueSchema, value) = ConnectData(input.Value, topic, headers, isKey: false);
        var record = new SourceRecord(null, null, topic, input.Partition, keySchema, key, valueSchema, value, input.Timestamp, headers);
        if (!_source!.TryProcess(record, out var converted))
        {
            return Skipped();
        }

        return new CaseOutcome.Produced(new ActualRecord(converted.Record.Topic, converted.Record.KafkaPartition, null, converted.Record.Timestamp, FromBytes(converted.Key), FromBytes(converted.Value),
            (converted.Headers ?? []).Select(h => KeyValuePair.Create(h.Key, h.Value is null ? null : Encoding.UTF8.GetString(h.Value))).ToList()));
    }

    private CaseOutcome RunSink(CaseRecord input, string topic)
    {
        var consumed = new ConsumedRecord(topic, input.Partition ?? 0, input.Offset ?? 0, Bytes(input.Key), Bytes(input.Value),
            (input.Headers ?? []).Select(h => KeyValuePair.Create(h.Key, h.Value is null ? null : Encoding.UTF8.GetBytes(h.Value))).ToList(), input.Timestamp,
            input.Timestamp is null ? Confluent.Kafka.TimestampType.NotAvailable : Confluent.Kafka.TimestampType.CreateTime);
        if (_sink!.Process(consumed) is not { } record)
        {
            return Skipped();
        }

        return new CaseOutcome.Produced(new ActualRecord(record.Topic, record.KafkaPartition, record.KafkaOffset, record.Timestamp, FromConnect(record.KeySchema, record.Key), FromConnect(record.ValueSchema, record.Value),
            record.Headers.Select(h => KeyValuePair.Create(h.Key, FromConnect(h.Schema, h.Value) is { IsNull: false } v ? v.Text ?? v.Json!.ToJsonString() : null)).ToList()));
    }

    /// <summary>Null from a pipeline is a drop by a transform, or a failure errors.tolerance=all skipped: the error reporter tells which.</summary>
    private CaseOutcome Skipped() =>
        _lastError.Last is { } failure ? new CaseOutcome.Failed(Messages(failure.Error), Skipped: true) : new CaseOutcome.Dropped();

    /// <summary>
    /// A source input as the task would build it: a string is a STRING (as the file source's lines); JSON with a
    /// schema and payload is that schema's value (a Struct for an object); other JSON is schemaless (maps, lists).
    /// Read by Kafka's JsonConverter, so the types are those of a record with that JSON on a topic.
    /// </summary>
    private static (Schema? Schema, object? Value) ConnectData(JsonNode? json, string topic, ConnectHeaders headers, bool isKey)
    {
        if (json is null)
        {
            return (null, null);
        }

        if (json is JsonValue v && v.TryGetValue(out string? text))
        {
            return (Schema.StringSchema, text);
        }

        var envelope = json is JsonObject o && o.Count == 2 && o.ContainsKey("schema") && o.ContainsKey("payload");
        var converter = PluginRegistry.CreateConverter(ConverterNames.KafkaJsonConverter, new Dictionary<string, string> { ["schemas.enable"] = envelope ? "true" : "false" }, isKey);
        var data = converter.ToConnectData(topic, headers, Encoding.UTF8.GetBytes(json.ToJsonString()));
        return (data.Schema, data.Value);
    }

    /// <summary>A sink input as it is on the topic: a string's UTF-8 bytes, JSON's text.</summary>
    private static byte[]? Bytes(JsonNode? json) => json switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? text) => Encoding.UTF8.GetBytes(text),
        _ => Encoding.UTF8.GetBytes(json.ToJsonString()),
    };

    private static OutputValue FromBytes(byte[]? bytes)
    {
        if (bytes is null)
        {
            return new OutputValue(null, null, IsNull: true);
        }

        var text = Encoding.UTF8.GetString(bytes);
        return new OutputValue(text, TryParse(text), IsNull: false);
    }

    /// <summary>A sink record's key or value as JSON: what Kafka's schemaless JsonConverter would write of it (a Struct as an object).</summary>
    private static OutputValue FromConnect(Schema? schema, object? value)
    {
        if (value is null)
        {
            return new OutputValue(null, null, IsNull: true);
        }

        if (value is string s)
        {
            return new OutputValue(s, JsonValue.Create(s), IsNull: false);
        }

        var converter = PluginRegistry.CreateConverter(ConverterNames.KafkaJsonConverter, new Dictionary<string, string> { ["schemas.enable"] = "false" }, isKey: false);
        var bytes = converter.FromConnectData("pipeline-test", ConnectHeaders.Empty, schema, value);
        return new OutputValue(null, bytes is null ? null : TryParse(Encoding.UTF8.GetString(bytes)), IsNull: false);
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The messages of an exception and its causes, each cause only when the message before does not quote it already.</summary>
    private static string Messages(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (!messages.Any(m => m.Contains(current.Message, StringComparison.Ordinal)))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(" Caused by: ", messages);
    }

    public void Dispose()
    {
        _source?.Dispose();
        _sink?.Dispose();
    }

    /// <summary>The error reporter of the test run: keeps the failure of the record being run, to tell a skip from a drop.</summary>
    private sealed class LastError : IErrorReporter
    {
        public ProcessingContext? Last { get; set; }

        public Task Report(ProcessingContext context)
        {
            Last = context;
            return Task.CompletedTask;
        }

        public void Dispose()
        {
        }
    }
}
