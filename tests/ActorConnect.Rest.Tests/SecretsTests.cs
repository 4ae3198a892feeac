using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>A worker with the env config provider, as a Kafka Connect user sets it up for secrets.</summary>
public sealed class EnvProviderWorker : RestWorkerFixture
{
    protected override IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string>
    {
        ["config.providers"] = "env",
        ["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
    };
}

/// <summary>A secret given as <c>${env:...}</c> never appears in any REST response; the placeholder does.</summary>
[Collection("kafka")]
public sealed class SecretsTests(KafkaFixture kafka, EnvProviderWorker fixture) : RestTestBase<EnvProviderWorker>(kafka, fixture), IClassFixture<EnvProviderWorker>
{
    [Fact]
    public async Task An_env_secret_is_shown_only_as_its_placeholder()
    {
        var variable = "ACTORCONNECT_REST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var secret = "pw-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, secret);
        var placeholder = "${env:" + variable + "}";
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
}
