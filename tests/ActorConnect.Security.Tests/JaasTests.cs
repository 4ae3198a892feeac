using ActorConnect.Api.Errors;

namespace ActorConnect.Security.Tests;

public sealed class JaasTests
{
    [Fact]
    public void A_plain_login_module_entry_gives_its_class_flag_and_options()
    {
        var module = Jaas.ParseEntry(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"al-ice$secret\";", "sasl.jaas.config");
        Assert.Equal("org.apache.kafka.common.security.plain.PlainLoginModule", module.ClassName);
        Assert.Equal("PlainLoginModule", module.ShortName);
        Assert.Equal("required", module.Flag);
        Assert.Equal("alice", module.Options["username"]);
        Assert.Equal("al-ice$secret", module.Options["password"]);
    }

    [Fact]
    public void Quoted_values_take_Java_escapes_and_unquoted_words_are_values_too()
    {
        var module = Jaas.ParseEntry(
            "org.apache.kafka.common.security.scram.ScramLoginModule REQUIRED\n  username=bob_1 // a comment\n" +
            "  /* another */ password=\"a\\\"b\\\\c\\td\\101;=}\" tokenauth=\"true\";", "producer.sasl.jaas.config");
        Assert.Equal("required", module.Flag);
        Assert.Equal("bob_1", module.Options["username"]);
        Assert.Equal("a\"b\\c\tdA;=}", module.Options["password"]);
        Assert.Equal("true", module.Options["tokenauth"]);
    }

    [Theory]
    [InlineData("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"p1-secret\"", "not ended by ;")]
    [InlineData("org.apache.kafka.common.security.plain.PlainLoginModule username=\"a\";", "control flag")]
    [InlineData("org.apache.kafka.common.security.plain.PlainLoginModule required username;", "value not specified for key 'username'")]
    [InlineData("org.apache.kafka.common.security.plain.PlainLoginModule required username=123;", "value not specified for key 'username'")]
    [InlineData("org.apache.kafka.common.security.plain.PlainLoginModule required password=\"p1-secret;", "not closed")]
    [InlineData("a.B required; c.D required;", "holds 2 login modules")]
    [InlineData("", "holds 0 login modules")]
    public void A_malformed_entry_is_refused_naming_the_key_and_never_quoting_a_value(string text, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Jaas.ParseEntry(text, "consumer.override.sasl.jaas.config"));
        Assert.Contains("consumer.override.sasl.jaas.config", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("p1-secret", e.Message);
    }

    [Fact]
    public void A_JAAS_file_gives_its_sections_by_name()
    {
        const string text = """
            // Kafka Connect's REST basic authentication
            KafkaConnect {
              org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
                file="/etc/kafka/connect.password";
            };
            KafkaClient { org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p"; };
            """;
        var sections = Jaas.ParseFile(text, "/etc/kafka/connect_jaas.conf");
        var connect = Assert.Single(sections["KafkaConnect"]);
        Assert.Equal("PropertyFileLoginModule", connect.ShortName);
        Assert.Equal("/etc/kafka/connect.password", connect.Options["file"]);
        Assert.Equal("u", Assert.Single(sections["KafkaClient"]).Options["username"]);
    }

    [Fact]
    public void A_JAAS_file_without_the_closing_semicolon_names_the_file_and_line()
    {
        var e = Assert.Throws<ConfigException>(() => Jaas.ParseFile("KafkaConnect {\n a.B required;\n}", "/x/jaas.conf"));
        Assert.Contains("/x/jaas.conf", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Theory]
    [InlineData("ssl.keystore.password", true)]
    [InlineData("producer.override.sasl.jaas.config", true)]
    [InlineData("listeners.https.ssl.key.password", true)]
    [InlineData("consumer.sasl.oauthbearer.client.secret", true)]
    [InlineData("ssl.truststore.location", false)]
    [InlineData("connection.user", false)]
    [InlineData("connection.password", true)]
    public void Secret_keys_are_known_under_any_prefix(string key, bool secret) => Assert.Equal(secret, SecretKeys.IsSecret(key));
}
