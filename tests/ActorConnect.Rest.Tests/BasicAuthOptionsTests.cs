using ActorConnect.Api.Errors;
using ActorConnect.Rest.Hosting;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>
/// How basic authentication is configured, as for Kafka Connect: <c>rest.extension.classes</c>, the JAAS file from
/// <c>KAFKA_OPTS</c> or the worker key, and the credentials file its login module names.
/// </summary>
public sealed class BasicAuthOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = RepoPaths.CreateTempDirectory("basic-auth");

    [Fact]
    public void The_JAAS_file_of_KAFKA_OPTS_gives_the_users_of_its_credentials_file()
    {
        var jaas = BasicAuthFiles.Write(_dir.Path, ("alice", "alice-secret"), ("bob", "b=o:b"));
        var kafkaOpts = $"-Xmx1g -Djava.security.auth.login.config={jaas} -Dother=1";
        var options = RestOptions.FromWorkerProperties(Extension(), BasicAuthCredentials.LoginConfigFromJvmOptions(kafkaOpts));

        var auth = options.BasicAuth!;
        Assert.Equal(2, auth.Users);
        Assert.Equal(jaas, auth.JaasFile);
        Assert.StartsWith("KAFKA_OPTS", auth.JaasSource, StringComparison.Ordinal);
        Assert.True(auth.Check("alice", "alice-secret"));
        Assert.True(auth.Check("bob", "b=o:b"));
        Assert.False(auth.Check("alice", "alice-secret "));
        Assert.False(auth.Check("alice", "b=o:b"));
        Assert.False(auth.Check("carol", "alice-secret"));
        Assert.Null(options.OpenListenerWarning());
    }

    [Fact]
    public void The_worker_key_names_the_JAAS_file_and_wins_over_KAFKA_OPTS()
    {
        var jaas = BasicAuthFiles.Write(_dir.Path, ("alice", "alice-secret"));
        var props = Extension();
        props["rest.basic.auth.jaas.config.file"] = jaas;
        var auth = RestOptions.FromWorkerProperties(props, "/nowhere/jaas.conf").BasicAuth!;
        Assert.Equal(jaas, auth.JaasFile);
        Assert.Equal("rest.basic.auth.jaas.config.file", auth.JaasSource);
    }

    [Fact]
    public void Without_the_extension_there_is_no_authentication_even_with_a_JAAS_file()
    {
        // KAFKA_OPTS often names a JAAS file for the Kafka clients (KafkaClient section) alone.
        Assert.Null(RestOptions.FromWorkerProperties(new Dictionary<string, string>(), "/etc/kafka/client_jaas.conf").BasicAuth);
    }

    [Theory]
    [InlineData("-Djava.security.auth.login.config=/a.conf", "/a.conf")]
    [InlineData("\"-Djava.security.auth.login.config=/a.conf\" -Djava.security.auth.login.config=/b.conf", "/b.conf")]
    [InlineData("-Dlog4j.configuration=file:/x", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void KAFKA_OPTS_is_read_as_the_JVM_reads_its_options(string? kafkaOpts, string? expected) =>
        Assert.Equal(expected, BasicAuthCredentials.LoginConfigFromJvmOptions(kafkaOpts));

    [Fact]
    public void An_unknown_REST_extension_is_refused_naming_it()
    {
        var props = new Dictionary<string, string> { ["rest.extension.classes"] = "com.example.MyAuthExtension" };
        var error = Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(props));
        Assert.StartsWith("Invalid value com.example.MyAuthExtension for configuration rest.extension.classes: ActorConnect has one REST extension", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_extension_without_a_JAAS_file_says_how_to_give_one()
    {
        var error = Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(Extension()));
        Assert.Contains("KAFKA_OPTS=\"-Djava.security.auth.login.config=/path/connect_jaas.conf\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("rest.basic.auth.jaas.config.file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KafkaClient { org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\"; };", "has no KafkaConnect section")]
    [InlineData("KafkaConnect { com.sun.security.auth.module.JndiLoginModule required; };", "supports exactly one login module there")]
    [InlineData("KafkaConnect { org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required; };", "has no file option")]
    [InlineData("KafkaConnect { org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required file=\"/nowhere/creds\"; };", "cannot be read")]
    [InlineData("KafkaConnect { org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required file=\"EMPTY\"; };", "holds no user")]
    public void A_JAAS_file_that_names_no_usable_users_stops_the_start(string jaasText, string expected)
    {
        var empty = _dir.Combine("empty.properties");
        File.WriteAllText(empty, "# nobody\n");
        var jaas = _dir.Combine("jaas.conf");
        File.WriteAllText(jaas, jaasText.Replace("EMPTY", empty, StringComparison.Ordinal));
        var error = Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(Extension(), jaas));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, string> Extension() => new() { ["rest.extension.classes"] = BasicAuthFiles.ExtensionClass };
}
