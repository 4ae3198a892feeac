using System.Diagnostics;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Source;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Transforms;
using Akka.Event;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// The transform chain built from a connector config as Kafka Connect builds it: order, predicates with negate,
/// dropping, plugins for either record kind, wrong configs refused naming the alias and key, and each stage under the
/// error handling (skip, fail, retry).
/// </summary>
public sealed class TransformationChainTests
{
    private static readonly PluginRegistry Registry = PluginRegistry.Create([typeof(TransformationChainTests).Assembly], []);
    private static readonly string Suffix = typeof(AppendSuffixTransformation<>).Name;

    [Fact]
    public void A_predicate_with_negate_applies_its_transform_to_the_records_it_does_not_match_and_a_null_result_drops_the_record()
    {
        var config = Config(
            ("transforms", "suffix, drop"),
            ("transforms.suffix.type", Suffix),
            ("transforms.suffix.suffix", "!"),
            ("transforms.suffix.predicate", "isApple"),
            ("transforms.suffix.negate", "true"),
            ("transforms.drop.type", nameof(DropAllTransformation)),
            ("transforms.drop.predicate", "isDrop"),
            ("predicates", "isApple,isDrop"),
            ("predicates.isApple.type", nameof(ValueStartsWithPredicate)),
            ("predicates.isApple.prefix", "apple"),
            ("predicates.isDrop.type", "ValueStartsWith"),
            ("predicates.isDrop.prefix", "drop"));
        using var errors = Operator(ErrorHandlingSettings.Default);

        using (var source = TransformationChainFactory.Create<SourceRecord>(config, Registry))
        {
            Assert.Equal(["suffix", "drop"], source.Stages.Select(s => s.Alias));
            Assert.Equal((true, false), (source.Stages[0].Negate, source.Stages[1].Negate));
            Assert.Equal("apple pie", source.Apply(SourceOf("apple pie"), errors)?.Value);
            Assert.Equal("banana!", source.Apply(SourceOf("banana"), errors)?.Value);
            Assert.Null(source.Apply(SourceOf("drop me"), errors));
            Assert.IsType<SourceRecord>(source.Apply(SourceOf("cherry"), errors));
        }

        using (var sink = TransformationChainFactory.Create<SinkRecord>(config, Registry))
        {
            var transformed = sink.Apply(new SinkRecord("t", 2, null, null, null, "banana", 41), errors);
            Assert.Equal("banana!", transformed?.Value);
            Assert.Equal((41, "t", 2), (transformed!.OriginalKafkaOffset, transformed.OriginalTopic, transformed.OriginalKafkaPartition));
            Assert.Null(sink.Apply(new SinkRecord("t", 0, null, null, null, "drop", 1), errors));
        }

        Assert.Equal(0, errors.TotalFailures);
    }

    [Fact]
    public void Disposing_the_chain_disposes_every_transform_and_predicate_instance()
    {
        var marker = Guid.NewGuid().ToString("N");
        var chain = TransformationChainFactory.Create<SourceRecord>(Config(
            ("transforms", "a,b"),
            ("transforms.a.type", Suffix), ("transforms.a.suffix", marker), ("transforms.a.predicate", "p"),
            ("transforms.b.type", Suffix), ("transforms.b.suffix", marker + "b"), ("transforms.b.predicate", "p"),
            ("predicates", "p"), ("predicates.p.type", nameof(ValueStartsWithPredicate)), ("predicates.p.prefix", marker)), Registry);

        chain.Dispose();

        Assert.Equal([marker, marker + "b"], AppendSuffixTransformation<SourceRecord>.Disposed.Where(s => s.StartsWith(marker, StringComparison.Ordinal)).Order());
        Assert.Equal(2, ValueStartsWithPredicate.Disposed.Count(s => s == marker)); // one predicate instance per transform
    }

    [Theory]
    [InlineData("transforms.x.type", "NoSuchTransformation", "Invalid value NoSuchTransformation for configuration transforms.x.type: Class NoSuchTransformation could not be found.")]
    [InlineData("transforms.x.type", null, "Missing required configuration \"transforms.x.type\" which has no default value.")]
    [InlineData("transforms", "x,x", "Invalid value x,x for configuration transforms: Duplicate alias provided: 'x'.")]
    [InlineData("transforms.x.negate", "true", "Config 'transforms.x.negate' was provided but there is no config 'transforms.x.predicate' defining a predicate to be negated.")]
    [InlineData("transforms.x.predicate", "nope", "Invalid value nope for configuration transforms.x.predicate: Transformation 'x' refers to predicate 'nope', which is not listed in predicates")]
    [InlineData("transforms.x.type", nameof(SinkOnlyTransformation), "SinkOnlyTransformation transforms SinkRecord records, so it cannot be used by a connector whose records are SourceRecords.")]
    [InlineData("transforms.x.value", null, "Invalid configuration for transforms.x.*: transforms.x.value: Missing required configuration \"value\" which has no default value.")]
    public void A_wrong_chain_is_refused_naming_the_alias_and_the_key(string key, string? value, string expected)
    {
        var config = new Dictionary<string, string>(Config(("transforms", "x"), ("transforms.x.type", nameof(ThrowOnValueTransformation)), ("transforms.x.value", "v")));
        if (value is null)
        {
            config.Remove(key);
        }
        else
        {
            config[key] = value;
        }

        var error = Assert.ThrowsAny<ConfigException>(() => TransformationChainFactory.Create<SourceRecord>(config, Registry));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_failing_transform_is_skipped_and_counted_with_tolerance_all_and_fails_with_the_stage_class_and_record_with_none()
    {
        var config = Config(("transforms", "boom"), ("transforms.boom.type", nameof(ThrowOnValueTransformation)), ("transforms.boom.value", "bad"));
        using var chain = TransformationChainFactory.Create<SourceRecord>(config, Registry);
        using var tolerant = Operator(ErrorHandlingSettings.Default with { TolerateAll = true });

        Assert.Null(chain.Apply(SourceOf("bad"), tolerant));
        Assert.Equal("good", chain.Apply(SourceOf("good"), tolerant)?.Value);
        Assert.Equal(1, tolerant.TotalFailures);

        using var strict = Operator(ErrorHandlingSettings.Default);
        var bad = SourceOf("bad");
        strict.Begin(bad);
        var error = Assert.Throws<ToleranceExceededException>(() => chain.Apply(bad, strict));
        Assert.IsType<DataException>(error.InnerException);
        Assert.Equal(
            $"Tolerance exceeded in error handler: TRANSFORMATION with class '{typeof(ThrowOnValueTransformation).FullName}' failed on the record for topic 't' " +
            "from source partition {\"file\":\"f\"} offset {\"line\":7}: test transform refuses value 'bad'. " +
            "errors.tolerance=all skips such records; errors.deadletterqueue.topic.name keeps them.",
            error.Message);
    }

    [Fact]
    public void A_retriable_failure_is_retried_with_backoff_within_errors_retry_timeout_and_fails_at_once_without_it()
    {
        var key = Guid.NewGuid().ToString("N");
        var config = Config(("transforms", "flaky"), ("transforms.flaky.type", nameof(FlakyTransformation)), ("transforms.flaky.value", "v"),
            ("transforms.flaky.key", key), ("transforms.flaky.failures", "2"));
        using var chain = TransformationChainFactory.Create<SourceRecord>(config, Registry);
        using var retrying = Operator(ErrorHandlingSettings.Default with { RetryTimeout = TimeSpan.FromSeconds(30), RetryDelayMax = TimeSpan.FromSeconds(1) });

        var elapsed = Stopwatch.StartNew();
        Assert.Equal("v-retried", chain.Apply(SourceOf("v"), retrying)?.Value);
        Assert.Equal(3, FlakyTransformation.Attempts[key]);
        Assert.True(elapsed.Elapsed >= TimeSpan.FromMilliseconds(300 + 600), $"backed off 300 then 600 ms, took {elapsed.ElapsedMilliseconds} ms");
        Assert.Equal(0, retrying.TotalFailures);

        FlakyTransformation.Attempts[key] = 0;
        using var noRetry = Operator(ErrorHandlingSettings.Default);
        var error = Assert.Throws<ToleranceExceededException>(() => chain.Apply(SourceOf("v"), noRetry));
        Assert.IsType<RetriableException>(error.InnerException);
        Assert.Equal(1, FlakyTransformation.Attempts[key]);
    }

    [Fact]
    public void Retry_delays_double_from_300_ms_and_once_past_the_maximum_are_jittered_below_it()
    {
        var max = TimeSpan.FromSeconds(2);
        Assert.Equal([300, 600, 1200], Enumerable.Range(1, 3).Select(a => RetryWithToleranceOperator.RetryDelay(a, max).TotalMilliseconds));
        Assert.All(Enumerable.Range(0, 50).Select(_ => RetryWithToleranceOperator.RetryDelay(4, max)), d => Assert.InRange(d, max / 2, max));
    }

    private static RetryWithToleranceOperator Operator(ErrorHandlingSettings settings) => new(settings, [], NoLogger.Instance);

    private static SourceRecord SourceOf(string value) =>
        new(new Dictionary<string, object?> { ["file"] = "f" }, new Dictionary<string, object?> { ["line"] = 7L }, "t", Schema.StringSchema, value);

    private static Dictionary<string, string> Config(params (string Key, string Value)[] entries) =>
        entries.Append((Key: "name", Value: "chain")).ToDictionary(e => e.Key, e => e.Value);
}
