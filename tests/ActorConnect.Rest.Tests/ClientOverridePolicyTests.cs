using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>A worker with <c>connector.client.config.override.policy=None</c>.</summary>
public sealed class NonePolicyWorker : RestWorkerFixture
{
    protected override IReadOnlyDictionary<string, string> WorkerProperties =>
        new Dictionary<string, string> { ["connector.client.config.override.policy"] = "None" };
}

/// <summary>A worker with the Principal policy, given by Kafka Connect's class name as a copied worker file gives it.</summary>
public sealed class PrincipalPolicyWorker : RestWorkerFixture
{
    protected override IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string>
    {
        ["connector.client.config.override.policy"] = "org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy",
    };
}

/// <summary>Shared by the policy tests: what a refused or accepted override looks like over HTTP.</summary>
internal static class OverrideReplies
{
    /// <summary>The errors the validate answer gives <paramref name="key"/>; fails when the key is not listed.</summary>
    public static IReadOnlyList<string> ErrorsOf(RestReply validated, string key)
    {
        Assert.True(validated.Status == HttpStatusCode.OK, validated.ToString());
        var config = validated.Json!["configs"]!.AsArray().SingleOrDefault(c => c!["value"]!["name"]!.GetValue<string>() == key);
        Assert.True(config is not null, $"{key} is not listed: {validated}");
        return config!["value"]!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
    }

    /// <summary>A FileStreamSource config named <paramref name="name"/> (it uses a producer) with the given extra keys.</summary>
    public static JsonObject Source(string name, string file, string topic, params (string Key, string Value)[] extra)
    {
        var config = RestWorker.FileSource(file, topic);
        config["name"] = name;
        foreach (var (k, v) in extra)
        {
            config[k] = v;
        }

        return config;
    }
}

/// <summary>KIP-458 with the None policy: no connector may override a client setting, at validation or creation.</summary>
[Collection("kafka")]
public sealed class NoneOverridePolicyTests(KafkaFixture kafka, NonePolicyWorker fixture) : RestTestBase<NonePolicyWorker>(kafka, fixture), IClassFixture<NonePolicyWorker>
{
    [Fact]
    public async Task A_producer_override_of_linger_ms_is_refused_at_validation_and_creation_naming_the_key()
    {
        var name = Unique("none-linger");
        var config = OverrideReplies.Source(name, FileIn(name + ".txt"), Unique("topic"), ("producer.override.linger.ms", "5"));

        var validated = await Rest.PutAsync("/connector-plugins/FileStreamSource/config/validate", config.DeepClone());
        Assert.Equal(1, validated.Json!["error_count"]!.GetValue<int>());
        var error = Assert.Single(OverrideReplies.ErrorsOf(validated, "producer.override.linger.ms"));
        Assert.StartsWith("The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration", error, StringComparison.Ordinal);

        var created = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = config.DeepClone() });
        Assert.Equal(HttpStatusCode.BadRequest, created.Status);
        Assert.Contains("producer.override.linger.ms", created.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var put = await Rest.PutAsync($"/connectors/{name}/config", config.DeepClone());
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains("producer.override.linger.ms", put.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Rest.GetAsync($"/connectors/{name}")).Status);
    }

    [Fact]
    public async Task An_update_that_adds_an_override_is_refused_and_the_running_config_stays()
    {
        var name = Unique("none-update");
        var config = OverrideReplies.Source(name, FileIn(name + ".txt"), Unique("topic"));
        await Rest.CreateAsync(name, config.DeepClone().AsObject());

        var updated = config.DeepClone().AsObject();
        updated["consumer.override.max.poll.records"] = "10"; // a source has no consumer: not checked, as in Kafka Connect
        updated["producer.override.sasl.jaas.config"] = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";";
        var put = await Rest.PutAsync($"/connectors/{name}/config", updated);

        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        var message = put.Json!["message"]!.GetValue<string>();
        Assert.Contains("producer.override.sasl.jaas.config", message, StringComparison.Ordinal);
        Assert.DoesNotContain("consumer.override.max.poll.records", message, StringComparison.Ordinal);
        Assert.Null((await Rest.GetAsync($"/connectors/{name}/config")).Json!["producer.override.sasl.jaas.config"]);
    }

    [Fact]
    public async Task A_sink_is_refused_its_consumer_overrides_and_with_a_dead_letter_queue_its_producer_overrides()
    {
        var sink = new JsonObject
        {
            ["name"] = Unique("sink"), ["connector.class"] = "FileStreamSink", ["file"] = FileIn(Unique("sink") + ".out"), ["topics"] = Unique("topic"),
            ["consumer.override.max.poll.records"] = "10", ["producer.override.linger.ms"] = "5",
        };

        var validated = await Rest.PutAsync("/connector-plugins/FileStreamSink/config/validate", sink.DeepClone());
        Assert.Single(OverrideReplies.ErrorsOf(validated, "consumer.override.max.poll.records"));
        Assert.DoesNotContain(validated.Json!["configs"]!.AsArray(), c => c!["value"]!["name"]!.GetValue<string>() == "producer.override.linger.ms");

        sink["errors.deadletterqueue.topic.name"] = Unique("dlq");
        var withDlq = await Rest.PutAsync("/connector-plugins/FileStreamSink/config/validate", sink);
        Assert.Single(OverrideReplies.ErrorsOf(withDlq, "producer.override.linger.ms"));
        Assert.Equal(2, withDlq.Json!["error_count"]!.GetValue<int>());
    }
}

/// <summary>KIP-458 with the Principal policy: only the SASL principal keys may be overridden.</summary>
[Collection("kafka")]
public sealed class PrincipalOverridePolicyTests(KafkaFixture kafka, PrincipalPolicyWorker fixture) : RestTestBase<PrincipalPolicyWorker>(kafka, fixture), IClassFixture<PrincipalPolicyWorker>
{
    private static readonly (string Key, string Value)[] PrincipalKeys =
    [
        ("producer.override.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"),
        ("producer.override.sasl.mechanism", "PLAIN"),
        ("producer.override.security.protocol", "SASL_PLAINTEXT"),
    ];

    [Fact]
    public async Task The_principal_keys_are_accepted_and_any_other_override_is_refused()
    {
        var name = Unique("principal");
        var principal = OverrideReplies.Source(name, FileIn(name + ".txt"), Unique("topic"), PrincipalKeys);
        var validated = await Rest.PutAsync("/connector-plugins/FileStreamSource/config/validate", principal.DeepClone());
        Assert.Equal(0, validated.Json!["error_count"]!.GetValue<int>());
        Assert.All(PrincipalKeys, k => Assert.Empty(OverrideReplies.ErrorsOf(validated, k.Key)));
        // Stopped: this broker speaks PLAINTEXT only; acceptance is what is tested here.
        await Rest.CreateAsync(name, principal.DeepClone().AsObject(), initialState: "STOPPED");

        var other = Unique("principal-more");
        var more = OverrideReplies.Source(other, FileIn(other + ".txt"), Unique("topic"), [.. PrincipalKeys, ("producer.override.linger.ms", "5"), ("producer.override.ssl.truststore.location", "/tmp/t.jks")]);
        var refused = await Rest.PutAsync("/connector-plugins/FileStreamSource/config/validate", more.DeepClone());
        Assert.Equal(2, refused.Json!["error_count"]!.GetValue<int>());
        Assert.StartsWith("The 'Principal' policy does not allow 'linger.ms'", Assert.Single(OverrideReplies.ErrorsOf(refused, "producer.override.linger.ms")), StringComparison.Ordinal);
        Assert.Single(OverrideReplies.ErrorsOf(refused, "producer.override.ssl.truststore.location"));
        var created = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = other, ["config"] = more });
        Assert.Equal(HttpStatusCode.BadRequest, created.Status);
        Assert.Contains("producer.override.linger.ms", created.Body, StringComparison.Ordinal);
        Assert.Contains("producer.override.ssl.truststore.location", created.Body, StringComparison.Ordinal);
    }
}

/// <summary>KIP-458 with the default policy, All, as in Kafka Connect since 3.0.</summary>
[Collection("kafka")]
public sealed class AllOverridePolicyTests(KafkaFixture kafka, RestWorkerFixture fixture) : RestTestBase<RestWorkerFixture>(kafka, fixture), IClassFixture<RestWorkerFixture>
{
    [Fact]
    public async Task A_producer_override_of_linger_ms_is_accepted_and_the_connector_runs()
    {
        var name = Unique("all-linger");
        var file = FileIn(name + ".txt");
        await File.WriteAllTextAsync(file, "one\n");
        var config = OverrideReplies.Source(name, file, Unique("topic"), ("producer.override.linger.ms", "5"));

        var validated = await Rest.PutAsync("/connector-plugins/FileStreamSource/config/validate", config.DeepClone());
        Assert.Equal(0, validated.Json!["error_count"]!.GetValue<int>());
        Assert.Empty(OverrideReplies.ErrorsOf(validated, "producer.override.linger.ms"));
        Assert.Equal("5", validated.Json!["configs"]!.AsArray().Single(c => c!["value"]!["name"]!.GetValue<string>() == "producer.override.linger.ms")!["value"]!["value"]!.GetValue<string>());

        await Rest.CreateAsync(name, config);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
    }
}
