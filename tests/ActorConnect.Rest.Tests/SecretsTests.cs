using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>A worker with the env config provider, as a Kafka Connect user sets it up for secrets.</summary>
public sealed class EnvProviderWorker : RestWorkerFixture
{
    /// <summary>The variables this worker's env provider may read: the tests' own.</summary>
    public const string Prefix = "ACTORCONNECT_REST_SECRET_";

    protected override IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string>
    {
        ["config.providers"] = "env",
        ["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        ["config.providers.env.param.allowlist.pattern"] = Prefix + ".*",
    };
}

/// <summary>
/// A secret given as <c>${env:...}</c> never appears in any REST response, status, trace or log line; the placeholder
/// does, wherever the runtime quotes the value.
/// </summary>
[Collection("kafka")]
public sealed class SecretsTests(KafkaFixture kafka, EnvProviderWorker fixture) : RestTestBase<EnvProviderWorker>(kafka, fixture), IClassFixture<EnvProviderWorker>
{
    [Fact]
    public async Task An_env_secret_is_shown_only_as_its_placeholder()
    {
        var (secret, placeholder) = Secret("pw-" + Guid.NewGuid().ToString("N"));
        var name = Unique("secret");
        var config = RestWorker.FileSource(FileIn(name + ".txt"), Unique("topic"));
        config["connection.password"] = placeholder;
        Assert.Equal(HttpStatusCode.Created, (await Rest.CreateAsync(name, config)).Status);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");

        var replies = new List<RestReply>
        {
            await Rest.GetAsync($"/connectors/{name}"),
            await Rest.GetAsync($"/connectors/{name}/config"),
            await Rest.GetAsync($"/connectors/{name}/tasks"),
            await Rest.GetAsync($"/connectors/{name}/status"),
            await Rest.GetAsync($"/connectors/{name}/tasks/0/status"),
            await Rest.GetAsync("/connectors?expand=info&expand=status"),
            await Rest.PutAsync("/connector-plugins/FileStreamSource/config/validate", JsonNode.Parse(config.ToJsonString())),
            await Rest.PutAsync($"/connectors/{name}/config", JsonNode.Parse(config.ToJsonString())),
        };
        Assert.All(replies, r => Assert.True(r.Status < HttpStatusCode.BadRequest, r.ToString()));
        Assert.All(replies, r => Assert.DoesNotContain(secret, r.Body, StringComparison.Ordinal));
        Assert.Equal(placeholder, replies[1].Json!["connection.password"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_secret_in_a_missing_file_path_shows_as_its_placeholder_in_last_error_and_the_log()
    {
        var (secret, placeholder) = Secret("pw-" + Guid.NewGuid().ToString("N"));
        var name = Unique("secret-missing");
        var file = Path.Combine(Rest.Dir, "missing", placeholder);
        await Rest.CreateAsync(name, RestWorker.FileSource(file, Unique("topic")));

        var status = await Rest.WaitForStatusAsync(name, s => s["tasks"]![0]!["last_error"] is not null);

        var lastError = status["tasks"]![0]!["last_error"]!.GetValue<string>();
        Assert.Contains(placeholder, lastError, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, status.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await Rest.GetAsync($"/connectors/{name}/tasks/0/status")).Body, StringComparison.Ordinal);
        await Eventually.AssertAsync(() => Rest.Logs.Containing(placeholder).Any(l => l.Contains("does not exist yet", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        AssertNeverLogged(secret);
    }

    [Fact]
    public async Task A_secret_in_a_failed_tasks_trace_shows_as_its_placeholder()
    {
        // A folder is no file to read: the task fails, and its exception (message, inner ones, stack) quotes the path.
        var (secret, placeholder) = Secret(Path.Combine(Rest.Dir, "folder-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(secret);
        var name = Unique("secret-trace");
        await Rest.CreateAsync(name, RestWorker.FileSource(placeholder, Unique("topic")));

        var status = await Rest.WaitForStatusAsync(name, s => s["tasks"]![0]!["trace"] is not null);

        Assert.Contains(placeholder, status["tasks"]![0]!["trace"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, status.ToJsonString(), StringComparison.Ordinal);
        await Eventually.AssertAsync(() => Rest.Logs.Containing(name).Any(l => l.Contains("failed", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        AssertNeverLogged(secret);
    }

    [Fact]
    public async Task A_topic_given_as_a_secret_is_reported_as_its_placeholder()
    {
        var (secret, placeholder) = Secret(Unique("secret-topic"));
        await CreateTopicAsync(secret);
        var name = Unique("secret-topics");
        var file = FileIn(name + ".txt");
        await File.WriteAllTextAsync(file, "one\ntwo\n");
        await Rest.CreateAsync(name, RestWorker.FileSource(file, placeholder));

        await AssertTopicReportedAsPlaceholderAsync(name, secret, placeholder);
    }

    [Fact]
    public async Task Topics_given_as_a_secret_are_reported_as_their_placeholder_by_a_sink()
    {
        var (secret, placeholder) = Secret(Unique("secret-sink-topic"));
        await CreateTopicAsync(secret);
        await Kafka.ProduceAsync(secret, [(null, "hello"u8.ToArray())]);
        var name = Unique("secret-sink");
        var sinkFile = FileIn(name + ".out");
        await Rest.CreateAsync(name, new JsonObject
        {
            ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSinkConnector",
            ["file"] = sinkFile,
            ["topics"] = placeholder,
        });
        await Eventually.AssertAsync(() => File.Exists(sinkFile) && File.ReadAllText(sinkFile).Contains("hello", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        // The sink's consumer lag is a metric labelled with its topic.
        await Eventually.AssertAsync(async () => (await Rest.GetAsync("/metrics")).Body.Contains($"records_lag{{connector=\"{name}\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await AssertTopicReportedAsPlaceholderAsync(name, secret, placeholder);
    }

    [Fact]
    public async Task A_file_named_by_a_secret_shows_as_its_placeholder_in_offsets_which_it_alters_and_in_errors()
    {
        var (secret, placeholder) = Secret(FileIn(Unique("secret-offsets") + ".txt"));
        await File.WriteAllTextAsync(secret, "one\ntwo\n");
        var name = Unique("secret-offsets");
        await Rest.CreateAsync(name, RestWorker.FileSource(placeholder, Unique("topic")));

        await Eventually.AssertAsync(async () => Assert.Equal(8, Assert.Single(await OffsetsAsync(name, secret, placeholder))), TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.PutAsync($"/connectors/{name}/stop")).Status);
        var altered = await Rest.PatchAsync($"/connectors/{name}/offsets", Offsets(new JsonObject { ["filename"] = placeholder }, new JsonObject { ["position"] = 4 }));
        Assert.True(altered.Status == HttpStatusCode.OK, altered.ToString());
        Assert.Equal(4, Assert.Single(await OffsetsAsync(name, secret, placeholder)));

        // A stopped sink refuses a partition with no kafka_partition, quoting the partition it was given.
        var sink = Unique("secret-offsets-sink");
        await Rest.CreateAsync(sink, new JsonObject { ["connector.class"] = "FileStreamSink", ["file"] = FileIn(sink + ".out"), ["topics"] = Unique("topic") }, initialState: "STOPPED");
        var refused = await Rest.PatchAsync($"/connectors/{sink}/offsets", Offsets(new JsonObject { ["kafka_topic"] = placeholder }, new JsonObject { ["kafka_offset"] = 1 }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(placeholder, refused.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, refused.Body, StringComparison.Ordinal);
    }

    /// <summary>The positions of a file source's offsets, each checked to name its file by <paramref name="placeholder"/> only.</summary>
    private async Task<List<long>> OffsetsAsync(string name, string secret, string placeholder)
    {
        var reply = await Rest.GetAsync($"/connectors/{name}/offsets");
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.DoesNotContain(secret, reply.Body, StringComparison.Ordinal);
        var offsets = reply.Json!["offsets"]!.AsArray();
        Assert.All(offsets, o => Assert.Equal(placeholder, o!["partition"]!["filename"]!.GetValue<string>()));
        return offsets.Select(o => o!["offset"]!["position"]!.GetValue<long>()).ToList();
    }

    private static JsonObject Offsets(JsonObject partition, JsonObject offset) =>
        new() { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = partition, ["offset"] = offset }) };

    /// <summary>
    /// Waits until the connector reports an active topic, then checks it is <paramref name="placeholder"/> and that no
    /// response, metric or log line holds <paramref name="secret"/>.
    /// </summary>
    private async Task AssertTopicReportedAsPlaceholderAsync(string name, string secret, string placeholder)
    {
        RestReply topics = null!;
        await Eventually.AssertAsync(async () =>
        {
            topics = await Rest.GetAsync($"/connectors/{name}/topics");
            return topics.Json?[name]?["topics"]?.AsArray().Count > 0;
        }, TimeSpan.FromSeconds(60));

        Assert.Equal([placeholder], topics.Json![name]!["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.DoesNotContain(secret, topics.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await Rest.GetAsync($"/connectors/{name}/status")).Body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await Rest.GetAsync("/metrics")).Body, StringComparison.Ordinal);
        AssertNeverLogged(secret);
    }

    private void AssertNeverLogged(string secret) =>
        Assert.True(Rest.Logs.Containing(secret).Count == 0, "logged: " + string.Join("\n-----\n", Rest.Logs.Containing(secret)));

    /// <summary>An environment variable this worker may read, set to <paramref name="value"/>; returns it and its placeholder.</summary>
    private static (string Secret, string Placeholder) Secret(string value)
    {
        var variable = EnvProviderWorker.Prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, value);
        return (value, "${env:" + variable + "}");
    }
}

/// <summary>A worker that lists the built-in providers and limits none of them: Kafka Connect's permissive setup.</summary>
public sealed class UnlimitedProvidersWorker : RestWorkerFixture
{
    protected override IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string>
    {
        ["config.providers"] = "env,file,dir",
        ["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        ["config.providers.file.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider",
        ["config.providers.dir.class"] = "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
    };
}

/// <summary>
/// Providers are safe by default: without <c>allowlist.pattern</c> / <c>allowed.paths</c> a REST client cannot make
/// the worker read its environment or its files, and the refusal names the placeholder and the key to set.
/// </summary>
[Collection("kafka")]
public sealed class ProviderDefaultsTests(KafkaFixture kafka, UnlimitedProvidersWorker fixture) : RestTestBase<UnlimitedProvidersWorker>(kafka, fixture), IClassFixture<UnlimitedProvidersWorker>
{
    public static TheoryData<string, string> Refused => new()
    {
        { "${file:/etc/passwd:root}", "config.providers.file.param.allowed.paths" },
        { "${dir:/etc:hostname}", "config.providers.dir.param.allowed.paths" },
        { "${env:PATH}", "config.providers.env.param.allowlist.pattern" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_placeholder_of_a_provider_with_no_limit_set_is_refused_naming_the_key_to_set(string placeholder, string key)
    {
        var name = Unique("unlimited");
        var config = RestWorker.FileSource("/missing/" + placeholder, Unique("topic"));

        var created = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = config });
        var validated = await Rest.PutAsync("/connector-plugins/FileStreamSource/config/validate", JsonNode.Parse(config.ToJsonString()));

        foreach (var reply in new[] { created, validated })
        {
            Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
            Assert.Contains(placeholder, reply.Body, StringComparison.Ordinal);
            Assert.Contains(key, reply.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("x:0:0", reply.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(Environment.GetEnvironmentVariable("PATH")!, reply.Body, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Rest.GetAsync($"/connectors/{name}")).Status);
    }
}
