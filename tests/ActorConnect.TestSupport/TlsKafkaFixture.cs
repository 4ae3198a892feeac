using Xunit;

namespace ActorConnect.TestSupport;

/// <summary>
/// The SSL listener of a local Kafka 0.9 broker, for the TLS tests, with client stores from the broker's test CA:
/// the one <c>scripts/test.sh</c> started (<c>KAFKA_SSL_BOOTSTRAP_SERVERS</c>, <c>KAFKA_SSL_CA_DIR</c>), or else a
/// broker of these tests' own on fixed private ports, shared by the test assemblies through the script's leases (the
/// broker named by <c>KAFKA_BOOTSTRAP_SERVERS</c> or Testcontainers may have no SSL listener).
/// </summary>
/// <remarks>Each test project declares <c>[CollectionDefinition("kafka-tls")] ... : ICollectionFixture&lt;TlsKafkaFixture&gt;</c>.</remarks>
public sealed class TlsKafkaFixture : IAsyncLifetime
{
    /// <summary>The private broker's PLAINTEXT port (SSL on the next one) and ZooKeeper port.</summary>
    public const int PrivatePort = 19492, PrivateZkPort = 12581;

    private Dictionary<string, string> _environment = new();
    private string? _lease;

    /// <summary>host:port of the SSL listener.</summary>
    public string BootstrapServers { get; private set; } = "";

    /// <summary>Truststores and client keystores of the broker's CA.</summary>
    public TlsMaterial Material { get; private set; } = null!;

    /// <summary>What a worker.properties needs for a 0.9 broker.</summary>
    public static string WorkerBrokerProperties => PrivateKafka.WorkerBrokerProperties;

    public async Task InitializeAsync()
    {
        var fromEnv = Environment.GetEnvironmentVariable("KAFKA_SSL_BOOTSTRAP_SERVERS");
        var caDir = Environment.GetEnvironmentVariable("KAFKA_SSL_CA_DIR");
        if (!string.IsNullOrWhiteSpace(fromEnv) && !string.IsNullOrWhiteSpace(caDir))
        {
            BootstrapServers = fromEnv.Trim();
        }
        else
        {
            _environment = KafkaLocalScript.Ports(PrivatePort, PrivateZkPort);
            await KafkaLocalScript.RunAsync(_environment, "install").ConfigureAwait(false);
            var lease = $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
            await KafkaLocalScript.RunAsync(_environment, "start", "--lease", lease).ConfigureAwait(false);
            _lease = lease;
            var (info, _) = await KafkaLocalScript.RunAsync(_environment, "ssl-info").ConfigureAwait(false);
            var lines = info.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            (BootstrapServers, caDir) = (lines[0], lines[1]);
        }

        Material = TlsMaterial.FromPemFiles(Path.Combine(caDir, "ca.pem"), Path.Combine(caDir, "ca.key"));
    }

    /// <summary>Creates a topic through ZooKeeper (0.9 has no CreateTopics API); an existing one is fine.</summary>
    public Task CreateTopicAsync(string name, int partitions) =>
        ZooKeeperTopics.CreateAsync(ZooKeeperTopics.Port(_environment), name, partitions);

    public async Task DisposeAsync()
    {
        if (_lease is not null)
        {
            await KafkaLocalScript.RunAsync(_environment, "release", _lease).ConfigureAwait(false);
            _lease = null;
        }
    }
}
