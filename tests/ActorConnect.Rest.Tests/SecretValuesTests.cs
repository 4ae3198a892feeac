using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.Rest.Tests.TestConnectors;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>
/// Passwords written into a connector config (not through a config provider) appear only in the config a user wrote
/// (<c>GET /connectors/{name}/config</c> and <c>GET /connectors/{name}</c>, as in Kafka Connect): never in validation
/// answers, errors, statuses or log lines, even when the connector quotes them.
/// </summary>
[Collection("kafka")]
public sealed class SecretValuesTests(KafkaFixture kafka, RestWorkerFixture fixture) : RestTestBase<RestWorkerFixture>(kafka, fixture), IClassFixture<RestWorkerFixture>
{
    private const string Hidden = "[hidden]";

    [Fact]
    public async Task Override_passwords_are_hidden_in_validation_answers_as_Kafka_Connect_hides_PASSWORD_values()
    {
        var jaasPassword = "s3cr3t-" + Guid.NewGuid().ToString("N");
        var truststorePassword = "trust-" + Guid.NewGuid().ToString("N");
        var config = RestWorker.FileSource(FileIn(Unique("validate") + ".txt"), Unique("topic"));
        config["name"] = Unique("validate");
        config["producer.override.sasl.jaas.config"] = Jaas(jaasPassword);
        config["producer.override.ssl.truststore.password"] = truststorePassword;

        var validated = await Rest.PutAsync("/connector-plugins/FileStreamSource/config/validate", config);

        Assert.True(validated.Status == HttpStatusCode.OK, validated.ToString());
        foreach (var key in new[] { "producer.override.sasl.jaas.config", "producer.override.ssl.truststore.password" })
        {
            var info = validated.Json!["configs"]!.AsArray().Single(c => c!["value"]!["name"]!.GetValue<string>() == key)!;
            Assert.Equal(("PASSWORD", Hidden), (info["definition"]!["type"]!.GetValue<string>(), info["value"]!["value"]!.GetValue<string>()));
        }

        Assert.DoesNotContain(jaasPassword, validated.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(truststorePassword, validated.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_a_connectors_check_quotes_is_hidden_in_the_validation_answer_the_400_and_the_log()
    {
        var password = "short-" + Guid.NewGuid().ToString("N")[..5];
        var name = Unique("careless-short");
        var config = new JsonObject { ["name"] = name, ["connector.class"] = typeof(CarelessSecretSourceConnector).FullName, ["db.password"] = password };

        var validated = await Rest.PutAsync($"/connector-plugins/{typeof(CarelessSecretSourceConnector).FullName}/config/validate", config.DeepClone());
        var created = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = config });

        Assert.Equal(1, validated.Json!["error_count"]!.GetValue<int>());
        Assert.Contains($"Invalid value {Hidden} for configuration db.password", validated.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, created.Status);
        Assert.Contains($"Invalid value {Hidden} for configuration db.password", created.Body, StringComparison.Ordinal);
        Assert.All(new[] { validated, created }, r => Assert.DoesNotContain(password, r.Body, StringComparison.Ordinal));
        await Eventually.AssertAsync(() => Rest.Logs.Containing("Connector config rejected").Any(l => l.Contains("db.password", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        AssertNeverLogged(password);
    }

    [Fact]
    public async Task Passwords_quoted_by_a_failing_task_are_hidden_in_its_status_and_the_log_and_shown_only_in_the_config()
    {
        var dbPassword = "db-" + Guid.NewGuid().ToString("N");
        var jaasPassword = "s3cr3t-xyz-" + Guid.NewGuid().ToString("N");
        var truststorePassword = "trust-" + Guid.NewGuid().ToString("N");
        var jaas = Jaas(jaasPassword);
        var name = Unique("careless");
        // A source has no consumer: these overrides reach no client, only the connector, which quotes them.
        await Rest.CreateAsync(name, new JsonObject
        {
            ["connector.class"] = typeof(CarelessSecretSourceConnector).FullName,
            ["db.password"] = dbPassword,
            ["consumer.override.sasl.jaas.config"] = jaas,
            ["consumer.override.ssl.truststore.password"] = truststorePassword,
        });

        var status = await Rest.WaitForStatusAsync(name, s => s["tasks"]!.AsArray().Any(t => t!["state"]!.GetValue<string>() == "FAILED"));
        var trace = status["tasks"]![0]!["trace"]!.GetValue<string>();
        Assert.Contains("Login refused with config", trace, StringComparison.Ordinal);
        Assert.Contains($"db.password={Hidden}", trace, StringComparison.Ordinal);
        await Eventually.AssertAsync(() => Rest.Logs.Containing("Login refused with config").Count > 0, TimeSpan.FromSeconds(30));

        var answers = new[]
        {
            status.ToJsonString(),
            (await Rest.GetAsync($"/connectors/{name}/status")).Body,
            (await Rest.GetAsync($"/connectors/{name}/tasks/0/status")).Body,
            (await Rest.GetAsync("/connectors?expand=status")).Body,
            (await Rest.PostAsync($"/connectors/{name}/tasks/0/restart")).Body,
            (await Rest.GetAsync("/metrics")).Body,
        };
        foreach (var secret in new[] { dbPassword, jaasPassword, truststorePassword, jaas })
        {
            Assert.All(answers, a => Assert.DoesNotContain(secret, a, StringComparison.Ordinal));
            AssertNeverLogged(secret);
        }

        // The config the user wrote is theirs to read back, as in Kafka Connect.
        var written = (await Rest.GetAsync($"/connectors/{name}/config")).Json!;
        Assert.Equal((dbPassword, jaas), (written["db.password"]!.GetValue<string>(), written["consumer.override.sasl.jaas.config"]!.GetValue<string>()));
    }

    private static string Jaas(string password) =>
        $"org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"{password}\";";

    private void AssertNeverLogged(string secret) =>
        Assert.True(Rest.Logs.Containing(secret).Count == 0, "logged: " + string.Join("\n-----\n", Rest.Logs.Containing(secret)));
}
