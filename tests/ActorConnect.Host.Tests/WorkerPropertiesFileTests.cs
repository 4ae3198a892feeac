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
}
