using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Validation;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Runtime.Tests.Validation;

/// <summary>KIP-458's override policies, as Kafka Connect's None, Principal and All policies decide.</summary>
public sealed class ClientConfigOverridePolicyTests
{
    private const string Jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"pa55-word\";";

    private static Dictionary<string, string> Source(params (string Key, string Value)[] extra)
    {
        var props = new Dictionary<string, string> { ["name"] = "src", ["connector.class"] = "FileStreamSource", ["topic"] = "t" };
        foreach (var (k, v) in extra)
        {
            props[k] = v;
        }

        return props;
    }

    private static ConfigInfos Validate(ClientConfigOverridePolicy policy, Dictionary<string, string> props) =>
        new ConnectorConfigValidator(ConnectorConfigValidatorTests.Registry, policy).Validate("FileStreamSource", props);

    private static IReadOnlyList<string> ErrorsOf(ConfigInfos infos, string key) => infos.Configs.Single(c => c.Value.Name == key).Value.Errors;

    [Fact]
    public void None_refuses_producer_override_linger_ms_with_Kafka_Connects_error_and_the_fix()
    {
        var infos = Validate(ClientConfigOverridePolicy.None, Source(("producer.override.linger.ms", "5")));

        Assert.Equal(1, infos.ErrorCount);
        Assert.Equal(
            ["The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration: remove producer.override.linger.ms, " +
             "or allow it with the worker's connector.client.config.override.policy"],
            ErrorsOf(infos, "producer.override.linger.ms"));
        var atCreate = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(Source(("producer.override.linger.ms", "5")), ConnectorConfigValidatorTests.Registry, null, ClientConfigOverridePolicy.None));
        Assert.Contains("producer.override.linger.ms", atCreate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_accepts_producer_override_linger_ms()
    {
        var infos = Validate(ClientConfigOverridePolicy.All, Source(("producer.override.linger.ms", "5")));

        Assert.Equal(0, infos.ErrorCount);
        Assert.Equal("5", infos.Configs.Single(c => c.Value.Name == "producer.override.linger.ms").Value.Value);
    }

    [Fact]
    public void Principal_accepts_only_the_sasl_principal_keys()
    {
        var principal = ClientConfigOverridePolicy.Principal;
        Assert.True(principal.Allows("sasl.jaas.config") && principal.Allows("sasl.mechanism") && principal.Allows("security.protocol"));
        Assert.False(principal.Allows("linger.ms") || principal.Allows("sasl.login.callback.handler.class") || principal.Allows("ssl.truststore.location") || principal.Allows("bootstrap.servers"));

        var infos = Validate(principal, Source(
            ("producer.override.sasl.jaas.config", Jaas), ("producer.override.sasl.mechanism", "PLAIN"), ("producer.override.security.protocol", "SASL_SSL"),
            ("producer.override.sasl.login.callback.handler.class", "com.example.Handler")));

        Assert.Equal(1, infos.ErrorCount);
        Assert.StartsWith("The 'Principal' policy does not allow 'sasl.login.callback.handler.class'", Assert.Single(ErrorsOf(infos, "producer.override.sasl.login.callback.handler.class")), StringComparison.Ordinal);
        Assert.Empty(ErrorsOf(infos, "producer.override.sasl.jaas.config"));
    }

    [Fact]
    public void Only_the_clients_a_connector_uses_are_checked_as_in_Kafka_Connect()
    {
        var source = Validate(ClientConfigOverridePolicy.None, Source(("consumer.override.max.poll.records", "5"), ("admin.override.retries", "1")));
        Assert.Equal(0, source.ErrorCount);
        Assert.DoesNotContain(source.Configs, c => c.Value.Name.Contains(".override.", StringComparison.Ordinal));

        var sinkProps = new Dictionary<string, string>
        {
            ["name"] = "sink", ["connector.class"] = "FileStreamSink", ["topics"] = "t",
            ["consumer.override.max.poll.records"] = "5", ["producer.override.linger.ms"] = "5", ["admin.override.retries"] = "1",
        };
        var validator = new ConnectorConfigValidator(ConnectorConfigValidatorTests.Registry, ClientConfigOverridePolicy.None);
        Assert.Equal(["consumer.override.max.poll.records"], validator.Validate("FileStreamSink", sinkProps).Configs.Where(c => c.Value.Errors.Count > 0).Select(c => c.Value.Name));
        sinkProps["errors.deadletterqueue.topic.name"] = "dlq";
        Assert.Equal(3, validator.Validate("FileStreamSink", sinkProps).ErrorCount);
    }

    [Theory]
    [InlineData("None", "None")]
    [InlineData("principal", "Principal")]
    [InlineData(" All ", "All")]
    [InlineData("org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy", "None")]
    [InlineData("org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy", "Principal")]
    [InlineData("org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy", "All")]
    [InlineData("AllConnectorClientConfigOverridePolicy", "All")]
    public void The_worker_key_takes_the_aliases_and_Kafka_Connects_class_names(string value, string policy)
    {
        var worker = WorkerConfig.Parse(new Dictionary<string, string>
        {
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            [ClientConfigOverridePolicy.Key] = value,
        });

        Assert.Equal(policy, worker.ClientConfigOverridePolicy.Name);
    }

    [Fact]
    public void The_default_is_All_and_an_unknown_policy_fails_the_worker_naming_the_key()
    {
        var props = new Dictionary<string, string>
        {
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        };
        Assert.Same(ClientConfigOverridePolicy.All, WorkerConfig.Parse(props).ClientConfigOverridePolicy);

        props[ClientConfigOverridePolicy.Key] = "Allowlist";
        var error = Assert.Throws<ConfigException>(() => WorkerConfig.Parse(props));
        Assert.Contains("Invalid value Allowlist for configuration connector.client.config.override.policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("None, Principal or All", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_override_keys_are_listed_as_PASSWORD_and_hidden_however_the_policy_decides()
    {
        foreach (var policy in new[] { ClientConfigOverridePolicy.None, ClientConfigOverridePolicy.All })
        {
            var infos = Validate(policy, Source(("producer.override.sasl.jaas.config", Jaas), ("producer.override.ssl.key.password", "key-pa55")));

            foreach (var key in new[] { "producer.override.sasl.jaas.config", "producer.override.ssl.key.password" })
            {
                var info = infos.Configs.Single(c => c.Value.Name == key);
                Assert.Equal(("PASSWORD", "[hidden]"), (info.Definition.Type, info.Value.Value));
            }

            Assert.DoesNotContain(infos.Configs, c => c.Value.Errors.Any(e => e.Contains("pa55", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void A_resolved_config_hides_its_secret_values_and_jaas_passwords_in_text_that_leaves()
    {
        using var providers = new ConfigProviders(new Dictionary<string, ActorConnect.Api.Config.IConfigProvider>());
        providers.Resolve(Source(("consumer.override.sasl.jaas.config", Jaas.Replace("pa55-word", "jaas-pa55-z", StringComparison.Ordinal)), ("db.password", "db-pa55-z"), ("db.user", "db-user-z")));

        Assert.Equal("login [hidden] as db-user-z with [hidden]; whole: [hidden]",
            providers.Secrets.Redact($"login db-pa55-z as db-user-z with jaas-pa55-z; whole: {Jaas.Replace("pa55-word", "jaas-pa55-z", StringComparison.Ordinal)}"));
        Assert.Equal("[hidden]", providers.Secrets.Restore("[hidden]"));
    }
}
