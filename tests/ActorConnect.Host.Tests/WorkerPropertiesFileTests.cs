using System.Collections;

namespace ActorConnect.Host.Tests;

/// <summary>CONNECT_* environment variables, as the Kafka Connect container images read them.</summary>
public sealed class WorkerPropertiesFileTests
{
    [Theory]
    [InlineData("BOOTSTRAP_SERVERS", "bootstrap.servers")]
    [InlineData("CLUSTER_SEED_NODES", "cluster.seed.nodes")]
    [InlineData("CONFIG_PROVIDERS_ENV_PARAM_ALLOWLIST__PATTERN", "config.providers.env.param.allowlist_pattern")]
    [InlineData("SOME___DASHED_KEY", "some-dashed.key")]
    public void A_variable_name_becomes_the_key_Kafka_Connect_images_give_it(string variable, string key) =>
        Assert.Equal(key, WorkerPropertiesFile.KeyOf(variable));

    [Fact]
    public void Variables_override_the_file_and_add_keys_and_other_variables_are_ignored()
    {
        var file = new Dictionary<string, string> { ["bootstrap.servers"] = "localhost:9092", ["group.id"] = "connect" };
        var environment = new Hashtable { ["CONNECT_BOOTSTRAP_SERVERS"] = "kafka:9092", ["CONNECT_CLUSTER_HOSTNAME"] = "node-2", ["PATH"] = "/bin", ["CONNECT_"] = "x" };

        var result = WorkerPropertiesFile.Overlay(file, environment);

        Assert.Equal(new Dictionary<string, string> { ["bootstrap.servers"] = "kafka:9092", ["group.id"] = "connect", ["cluster.hostname"] = "node-2" }, result);
    }

    [Fact]
    public void Placeholders_in_worker_keys_are_resolved_by_the_providers_the_file_declares()
    {
        var dir = Directory.CreateTempSubdirectory("ac-worker-secrets-").FullName;
        File.WriteAllText(Path.Combine(dir, "tls.properties"), "truststore.password=from-the-file\n");
        var props = new Dictionary<string, string>
        {
            ["config.providers"] = "file",
            ["config.providers.file.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider",
            ["config.providers.file.param.allowed.paths"] = dir,
            ["ssl.truststore.password"] = $"${{file:{dir}/tls.properties:truststore.password}}",
            ["cluster.ssl.keystore.password"] = $"${{file:{dir}/tls.properties:truststore.password}}",
        };

        var resolved = WorkerPropertiesFile.Resolve(props);

        Assert.Equal("from-the-file", resolved["ssl.truststore.password"]);
        Assert.Equal("from-the-file", resolved["cluster.ssl.keystore.password"]);
        var e = Assert.Throws<Api.Errors.ConfigException>(() => WorkerPropertiesFile.Resolve(new Dictionary<string, string>(props) { ["ssl.key.password"] = "${file:/etc/shadow:x}" }));
        Assert.Contains("/etc/shadow", e.Message);
        Directory.Delete(dir, true);
    }
}
