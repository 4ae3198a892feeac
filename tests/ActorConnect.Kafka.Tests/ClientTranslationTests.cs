using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorConnect.Api.Errors;
using ActorConnect.Kafka.ClientKeys;
using Confluent.Kafka;

namespace ActorConnect.Kafka.Tests;

/// <summary>
/// Kafka Connect's Java client keys become librdkafka's; each translation is checked by building a real librdkafka
/// client from it, since librdkafka validates its whole configuration when a client is built.
/// </summary>
public sealed class ClientTranslationTests : IDisposable
{
    private const string JaasPlain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"alice-secret\";";
    private readonly string _dir = Directory.CreateTempSubdirectory("ac-translate-").FullName;
    private readonly List<(string Key, string Why)> _unsupported = [];
    private readonly X509Certificate2 _ca;
    private readonly RSA _caKey = RSA.Create(2048);

    public ClientTranslationTests()
    {
        var request = new CertificateRequest("CN=translate-ca", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(CaPem, _ca.ExportCertificatePem());
    }

    private string CaPem => Path.Combine(_dir, "ca.pem");

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        Directory.Delete(_dir, true);
    }

    private TranslatedClient Translate(Dictionary<string, string> props, ClientKind kind = ClientKind.Producer, string prefix = "") =>
        ClientTranslation.Translate(props, kind, prefix, (key, why) => _unsupported.Add((key, why)));

    /// <summary>Builds a real librdkafka client of <paramref name="kind"/> from the translated properties (nothing is sent).</summary>
    private static void BuildClient(TranslatedClient client, ClientKind kind = ClientKind.Producer)
    {
        var config = new ClientConfig { BootstrapServers = "127.0.0.1:9" };
        foreach (var (key, value) in client.Properties)
        {
            config.Set(key, value);
        }

        switch (kind)
        {
            case ClientKind.Consumer:
                using (new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(config) { GroupId = "g" }).SetLogHandler((_, _) => { }).Build())
                {
                }

                break;
            default:
                using (new ProducerBuilder<byte[], byte[]>(new ProducerConfig(config)).SetLogHandler((_, _) => { }).Build())
                {
                }

                break;
        }
    }

    [Fact]
    public void A_TLS_trust_store_becomes_PEM_text_and_the_Java_keys_are_not_passed_on()
    {
        var client = Translate(new()
        {
            ["security.protocol"] = "SSL",
            ["ssl.truststore.location"] = CaPem,
            ["ssl.truststore.type"] = "PEM",
        });

        Assert.Equal("ssl", client.Properties["security.protocol"]);
        Assert.Contains("BEGIN CERTIFICATE", client.Properties["ssl.ca.pem"]);
        Assert.Equal("https", client.Properties["ssl.endpoint.identification.algorithm"]);
        Assert.DoesNotContain(client.Properties.Keys, k => k.StartsWith("ssl.truststore", StringComparison.Ordinal));
        Assert.Equal(ClientKeys.SecurityProtocol.Ssl, client.Security.Protocol);
        Assert.Contains("host name checked", client.Security.Description);
        BuildClient(client);
        BuildClient(client, ClientKind.Consumer);
    }

    [Fact]
    public void An_empty_endpoint_identification_algorithm_turns_the_host_name_check_off()
    {
        var client = Translate(new() { ["security.protocol"] = "ssl", ["ssl.truststore.certificates"] = File.ReadAllText(CaPem), ["ssl.endpoint.identification.algorithm"] = "" });
        Assert.Equal("none", client.Properties["ssl.endpoint.identification.algorithm"]);
        Assert.False(client.Security.Tls!.CheckHostName);
        BuildClient(client);
    }

    [Fact]
    public void Java_cipher_suite_names_become_OpenSSL_names_and_TLS_versions_are_reported_as_having_no_equivalent()
    {
        var client = Translate(new()
        {
            ["security.protocol"] = "SSL",
            ["ssl.cipher.suites"] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256",
            ["ssl.enabled.protocols"] = "TLSv1.2,TLSv1.3",
        }, prefix: "producer.");
        Assert.Equal("ECDHE-RSA-AES128-GCM-SHA256", client.Properties["ssl.cipher.suites"]);
        Assert.Contains(_unsupported, u => u.Key == "producer.ssl.enabled.protocols");
        Assert.Contains(_unsupported, u => u.Key.StartsWith("producer.ssl.cipher.suites (TLS_AES_128_GCM_SHA256)", StringComparison.Ordinal));
        Assert.DoesNotContain("ssl.enabled.protocols", client.Properties.Keys);
        BuildClient(client);
    }

    [Theory]
    [InlineData("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule")]
    [InlineData("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule")]
    [InlineData("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule")]
    public void A_JAAS_login_becomes_librdkafka_user_name_and_password(string mechanism, string module)
    {
        var client = Translate(new()
        {
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanism"] = mechanism,
            ["sasl.jaas.config"] = $"{module} required username=\"alice\" password=\"pa\\\"ss\";",
        });
        Assert.Equal(mechanism, client.Properties["sasl.mechanisms"]);
        Assert.Equal("alice", client.Properties["sasl.username"]);
        Assert.Equal("pa\"ss", client.Properties["sasl.password"]);
        Assert.DoesNotContain("sasl.jaas.config", client.Properties.Keys);
        Assert.DoesNotContain("pa\"ss", client.Security.Description);
        BuildClient(client);
        BuildClient(client, ClientKind.Consumer);
    }

    [Fact]
    public void OAuthBearer_client_credentials_map_to_librdkafka_OIDC()
    {
        var client = Translate(new()
        {
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanism"] = "OAUTHBEARER",
            ["sasl.login.callback.handler.class"] = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
            ["sasl.oauthbearer.token.endpoint.url"] = "https://idp.example/oauth2/token",
            ["sasl.jaas.config"] = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"connect\" clientSecret=\"cs-secret\" scope=\"kafka\" extension_logicalCluster=\"lkc-1\";",
        });
        Assert.Equal("oidc", client.Properties["sasl.oauthbearer.method"]);
        Assert.Equal("connect", client.Properties["sasl.oauthbearer.client.id"]);
        Assert.Equal("cs-secret", client.Properties["sasl.oauthbearer.client.secret"]);
        Assert.Equal("kafka", client.Properties["sasl.oauthbearer.scope"]);
        Assert.Equal("logicalCluster=lkc-1", client.Properties["sasl.oauthbearer.extensions"]);
        Assert.Equal("https://idp.example/oauth2/token", client.Properties["sasl.oauthbearer.token.endpoint.url"]);
        BuildClient(client);
    }

    [Fact]
    public void GSSAPI_is_refused_because_this_librdkafka_cannot_do_it()
    {
        var e = Assert.Throws<ConfigException>(() => Translate(new() { ["security.protocol"] = "SASL_PLAINTEXT" }, prefix: "consumer."));
        Assert.Contains("consumer.sasl.mechanism", e.Message);
        Assert.Contains("GSSAPI is Kafka's default", e.Message);

        // The refusal tells the truth: the bundled librdkafka has no Kerberos.
        var config = new ProducerConfig { BootstrapServers = "127.0.0.1:9", SecurityProtocol = Confluent.Kafka.SecurityProtocol.SaslPlaintext };
        config.Set("sasl.mechanisms", "GSSAPI");
        var built = Assert.ThrowsAny<Exception>(() => new ProducerBuilder<byte[], byte[]>(config).Build().Dispose());
        Assert.Contains("GSSAPI", built.Message);
    }

    [Theory]
    [InlineData("PLAIN", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\" password=\"p\";", "takes only org.apache.kafka.common.security.plain.PlainLoginModule")]
    [InlineData("PLAIN", "com.sun.security.auth.module.JndiLoginModule required user.provider.url=\"ldap://evil/x\" group.provider.url=\"y\";", "names the login module com.sun.security.auth.module.JndiLoginModule")]
    [InlineData("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\";", "has no password=")]
    [InlineData("SCRAM-SHA-1", "x.Y required;", "use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER")]
    public void A_wrong_or_foreign_login_module_is_refused_naming_the_key(string mechanism, string jaas, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Translate(new()
        {
            ["security.protocol"] = "SASL_PLAINTEXT",
            ["sasl.mechanism"] = mechanism,
            ["sasl.jaas.config"] = jaas,
        }, prefix: "producer.override."));
        Assert.Contains("producer.override.sasl.", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_unknown_security_protocol_is_refused_naming_the_key()
    {
        var e = Assert.Throws<ConfigException>(() => Translate(new() { ["security.protocol"] = "TLS" }, prefix: "producer."));
        Assert.Contains("producer.security.protocol", e.Message);
        Assert.Contains("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", e.Message);
    }

    [Fact]
    public void Java_client_keys_are_renamed_converted_or_reported_and_the_client_builds()
    {
        var consumer = Translate(new()
        {
            ["fetch.max.wait.ms"] = "250",
            ["max.partition.fetch.bytes"] = "1048576",
            ["session.timeout.ms"] = "45000",
            ["auto.offset.reset"] = "none",
            ["isolation.level"] = "read_committed",
            ["partition.assignment.strategy"] = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
            ["max.poll.records"] = "500",
            ["linger.ms"] = "10", // a producer key: ignored by a consumer, as Java's consumer ignores it
            ["fetch.error.backoff.ms"] = "100", // librdkafka's own name: passed through
        }, ClientKind.Consumer, "consumer.");
        Assert.Equal("250", consumer.Properties["fetch.wait.max.ms"]);
        Assert.Equal("error", consumer.Properties["auto.offset.reset"]);
        Assert.Equal("cooperative-sticky", consumer.Properties["partition.assignment.strategy"]);
        Assert.Equal("100", consumer.Properties["fetch.error.backoff.ms"]);
        Assert.DoesNotContain("max.poll.records", consumer.Properties.Keys);
        Assert.DoesNotContain("linger.ms", consumer.Properties.Keys);
        Assert.Contains(_unsupported, u => u.Key == "consumer.max.poll.records");
        BuildClient(consumer, ClientKind.Consumer);

        var producer = Translate(new()
        {
            ["acks"] = "all",
            ["buffer.memory"] = "33554432",
            ["max.request.size"] = "2097152",
            ["delivery.timeout.ms"] = "120000",
            ["retries"] = "2147483647",
            ["max.in.flight.requests.per.connection"] = "5",
            ["compression.type"] = "lz4",
            ["batch.size"] = "65536",
            ["request.timeout.ms"] = "30000",
            ["client.id"] = "my-connect",
        });
        Assert.Equal("32768", producer.Properties["queue.buffering.max.kbytes"]);
        Assert.Equal("2097152", producer.Properties["message.max.bytes"]);
        Assert.Equal("120000", producer.Properties["message.timeout.ms"]);
        Assert.Equal("5", producer.Properties["max.in.flight"]);
        BuildClient(producer);
    }

    [Fact]
    public void A_malformed_Java_value_names_the_key_as_written()
    {
        var e = Assert.Throws<ConfigException>(() => Translate(new() { ["linger.ms"] = "soon" }, prefix: "producer.override."));
        Assert.Contains("producer.override.linger.ms", e.Message);
        Assert.Contains("expected a whole number", e.Message);
    }

    [Fact]
    public void A_broker_certificate_is_judged_in_Kafka_Connect_terms()
    {
        using var leafKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=broker", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var broker = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3]);
        using var expired = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1), [4, 5, 6]);
        var trusting = new TlsOptions(new X509Certificate2Collection(_ca), null, true, "producer.", "producer.ssl.truststore.location=/t.jks");
        using var otherKey = RSA.Create(2048);
        using var otherCa = new CertificateRequest("CN=other-ca", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        var wrongCa = trusting with { Trusted = new X509Certificate2Collection(otherCa) };

        Assert.Null(BrokerTls.Check(broker, "127.0.0.1", trusting, SslPolicyErrors.None));
        Assert.Contains("is not signed by a trusted CA", BrokerTls.Check(broker, "127.0.0.1", wrongCa, SslPolicyErrors.None));
        Assert.Contains("this client trusts producer.ssl.truststore.location=/t.jks", BrokerTls.Check(broker, "127.0.0.1", wrongCa, SslPolicyErrors.None));
        Assert.Contains("set producer.ssl.truststore.location", BrokerTls.Check(broker, "127.0.0.1", wrongCa, SslPolicyErrors.None));
        Assert.Contains("has expired", BrokerTls.Check(expired, "127.0.0.1", trusting, SslPolicyErrors.None));
        Assert.Contains("set producer.ssl.endpoint.identification.algorithm= (empty)", BrokerTls.Check(broker, "kafka.example", trusting, SslPolicyErrors.None));
        Assert.Null(BrokerTls.Check(broker, "kafka.example", trusting with { CheckHostName = false }, SslPolicyErrors.None));
    }
}
