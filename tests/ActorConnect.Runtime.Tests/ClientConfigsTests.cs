using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorConnect.Api.Errors;
using ActorConnect.Kafka.ClientKeys;
using ActorConnect.Runtime.Clients;
using ActorConnect.Runtime.Config;

namespace ActorConnect.Runtime.Tests;

/// <summary>Which Kafka client gets which keys: Kafka Connect's prefixes, plus the inheritance of the worker's security keys.</summary>
public sealed class ClientConfigsTests : IDisposable
{
    private readonly string _caPem = Path.Combine(Path.GetTempPath(), $"ac-clients-{Guid.NewGuid():N}.pem");
    private readonly List<string> _warnings = [];

    public ClientConfigsTests()
    {
        using var key = RSA.Create(2048);
        using var ca = new CertificateRequest("CN=clients-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        File.WriteAllText(_caPem, ca.ExportCertificatePem());
    }

    public void Dispose() => File.Delete(_caPem);

    private ClientConfigs Create(Dictionary<string, string> extra, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>>? resolve = null)
    {
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = "127.0.0.1:9093",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["group.id"] = "connect-cluster",
        };
        foreach (var (k, v) in extra)
        {
            props[k] = v;
        }

        return new ClientConfigs(WorkerConfig.Parse(props), resolve ?? (p => p), _warnings.Add);
    }

    [Fact]
    public void Task_clients_inherit_the_worker_security_keys_when_their_prefix_sets_none()
    {
        var clients = Create(new() { ["security.protocol"] = "SSL", ["ssl.truststore.location"] = _caPem, ["producer.linger.ms"] = "20" });

        var producer = clients.Task(ClientKind.Producer, new Dictionary<string, string>());
        Assert.Equal("ssl", producer["security.protocol"]);
        Assert.Contains("BEGIN CERTIFICATE", producer["ssl.ca.pem"]);
        Assert.Equal("20", producer["linger.ms"]);
        Assert.Equal("ssl", clients.Task(ClientKind.Consumer, new Dictionary<string, string>())["security.protocol"]);
        Assert.Equal("ssl", clients.Worker(ClientKind.Admin)["security.protocol"]);
        Assert.DoesNotContain("group.id", clients.Worker(ClientKind.Admin).Keys);
        Assert.Contains(clients.Describe(), line => line.Contains("producers: security.protocol=SSL") && line.Contains("from the worker's own security keys"));
    }

    [Fact]
    public void A_prefix_that_sets_any_security_key_gets_only_its_own_as_in_Kafka_Connect()
    {
        var clients = Create(new()
        {
            ["security.protocol"] = "SSL",
            ["ssl.truststore.location"] = _caPem,
            ["consumer.security.protocol"] = "PLAINTEXT",
        });

        Assert.DoesNotContain("security.protocol", clients.Task(ClientKind.Consumer, new Dictionary<string, string>()).Keys);
        Assert.Equal("ssl", clients.Task(ClientKind.Producer, new Dictionary<string, string>())["security.protocol"]);
        Assert.Contains(clients.Describe(), line => line.Contains("consumers: security.protocol=PLAINTEXT, from the consumer.* keys"));
    }

    [Fact]
    public void A_connector_override_applies_on_top_of_the_worker_keys()
    {
        var clients = Create(new() { ["producer.linger.ms"] = "20" });
        var producer = clients.Task(ClientKind.Producer, new Dictionary<string, string>
        {
            ["producer.override.linger.ms"] = "50",
            ["producer.override.delivery.timeout.ms"] = "60000",
            ["consumer.override.fetch.max.wait.ms"] = "10",
        });
        Assert.Equal("50", producer["linger.ms"]);
        Assert.Equal("60000", producer["message.timeout.ms"]);
        Assert.DoesNotContain("fetch.wait.max.ms", producer.Keys);
    }

    [Fact]
    public void The_probe_speaks_what_the_task_clients_speak_when_the_worker_sets_no_security_of_its_own()
    {
        var clients = Create(new() { ["producer.security.protocol"] = "SSL", ["producer.ssl.truststore.location"] = _caPem, ["consumer.security.protocol"] = "SSL" });
        Assert.Equal(SecurityProtocol.Ssl, clients.ProbeSecurity.Protocol);
        Assert.Equal(SecurityProtocol.Plaintext, Create(new()).ProbeSecurity.Protocol);
    }

    [Fact]
    public void A_worker_without_any_security_key_says_so_in_one_line()
    {
        Assert.Equal(["Kafka clients (the worker's own and its tasks'): security.protocol=PLAINTEXT, no security.protocol, ssl.* or sasl.* key is set"],
            Create(new() { ["producer.linger.ms"] = "5" }).Describe());
        Assert.Equal(4, Create(new() { ["consumer.security.protocol"] = "PLAINTEXT" }).Describe().Count());
    }

    [Fact]
    public void A_bad_worker_store_stops_the_worker_at_start_naming_the_key()
    {
        var e = Assert.Throws<ConfigException>(() => Create(new() { ["producer.security.protocol"] = "SSL", ["producer.ssl.truststore.location"] = "/missing/trust.jks" }));
        Assert.Contains("producer.ssl.truststore.location=/missing/trust.jks cannot be read", e.Message);
    }

    [Fact]
    public void A_Java_key_without_an_equivalent_is_warned_of_once_and_never_fails()
    {
        var clients = Create(new() { ["consumer.max.poll.records"] = "500" });
        clients.Task(ClientKind.Consumer, new Dictionary<string, string> { ["consumer.override.max.poll.records"] = "10" });
        clients.Task(ClientKind.Consumer, new Dictionary<string, string> { ["consumer.override.max.poll.records"] = "10" });

        Assert.Single(_warnings, w => w.StartsWith("consumer.max.poll.records is ignored", StringComparison.Ordinal));
        Assert.Single(_warnings, w => w.StartsWith("consumer.override.max.poll.records is ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Worker_client_keys_are_resolved_by_the_config_providers_and_never_described_with_secrets()
    {
        var clients = Create(
            new()
            {
                ["security.protocol"] = "SASL_SSL",
                ["sasl.mechanism"] = "PLAIN",
                ["sasl.jaas.config"] = "${file:/secrets:jaas}",
                ["ssl.truststore.location"] = _caPem,
            },
            props => props.ToDictionary(kv => kv.Key, kv => kv.Value == "${file:/secrets:jaas}"
                ? "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\"very-secret\";"
                : kv.Value));

        Assert.Equal("very-secret", clients.Worker(ClientKind.Producer)["sasl.password"]);
        Assert.DoesNotContain(clients.Describe(), line => line.Contains("very-secret"));
        Assert.Contains(clients.Describe(), line => line.Contains("SASL PLAIN as 'svc'"));
    }
}
