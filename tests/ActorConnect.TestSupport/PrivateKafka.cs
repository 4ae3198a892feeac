namespace ActorConnect.TestSupport;

/// <summary>
/// A Kafka 0.9 broker of one test's own (scripts/kafka-local.sh on other ports, with its own data), for chaos tests
/// that stop and restart the broker and for TLS tests that need a faulty or demanding SSL listener: the shared one
/// serves every other test and must never go down or change.
/// </summary>
public sealed class PrivateKafka : IAsyncDisposable
{
    private readonly int _port;
    private readonly int _zkPort;
    private BrokerTls? _tls;

    private PrivateKafka(int port, int zkPort, BrokerTls? tls)
    {
        _port = port;
        _zkPort = zkPort;
        _tls = tls;
    }

    /// <summary>host:port of the broker's PLAINTEXT listener.</summary>
    public string BootstrapServers => $"127.0.0.1:{_port}";

    /// <summary>host:port of the broker's SSL listener (the script puts it on the next port).</summary>
    public string SslBootstrapServers => $"127.0.0.1:{_port + 1}";

    /// <summary>What a worker.properties needs for a 0.9 broker.</summary>
    public static string WorkerBrokerProperties => "api.version.request=false\nbroker.version.fallback=0.9.0.1\n";

    /// <summary>
    /// Installs (once) and starts a fresh broker and ZooKeeper on the given ports (the SSL listener on
    /// <paramref name="port"/> + 1), presenting <paramref name="tls"/>'s certificate, or the script's test CA's.
    /// </summary>
    public static async Task<PrivateKafka> StartAsync(int port, int zkPort, BrokerTls? tls = null)
    {
        var kafka = new PrivateKafka(port, zkPort, tls);
        await kafka.RunAsync("install").ConfigureAwait(false);
        var (_, stderr) = await kafka.RunAsync("start").ConfigureAwait(false);
        if (stderr.Contains("reused-existing", StringComparison.Ordinal))
        {
            // The script shares a broker it finds running; a private one is stopped and restarted by its test, so it
            // must be the test's own, or the test would stop someone else's broker and measure theirs.
            throw new InvalidOperationException(
                $"Ports {port} (Kafka) and {zkPort} (ZooKeeper) already serve a broker this test did not start (another test run, " +
                "or a developer's private broker): stop it, or give the test other ports.");
        }

        return kafka;
    }

    /// <summary>Creates a topic through ZooKeeper (0.9 has no CreateTopics API).</summary>
    public Task CreateTopicAsync(string name, int partitions) => ZooKeeperTopics.CreateAsync(_zkPort, name, partitions);

    /// <summary>Stops the broker only: an outage; topics and committed offsets stay for <see cref="StartBrokerAsync"/>.</summary>
    public Task StopBrokerAsync() => RunAsync("broker-stop");

    /// <summary>
    /// Brings the stopped broker back and returns once it listens; with <paramref name="tls"/>, presenting that
    /// certificate from now on (a renewed one, say).
    /// </summary>
    public Task StartBrokerAsync(BrokerTls? tls = null)
    {
        _tls = tls ?? _tls;
        return RunAsync("broker-start");
    }

    public async ValueTask DisposeAsync() => await RunAsync("stop").ConfigureAwait(false);

    private Task<(string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var environment = KafkaLocalScript.Ports(_port, _zkPort);
        if (_tls is not null)
        {
            environment["KAFKA_SSL_CERT"] = _tls.CertificatePem;
            environment["KAFKA_SSL_KEY"] = _tls.KeyPem;
            environment["KAFKA_SSL_CLIENT_AUTH"] = _tls.ClientAuth;
            if (_tls.ClientCaPem is not null)
            {
                environment["KAFKA_SSL_CLIENT_CA"] = _tls.ClientCaPem;
            }
        }

        return KafkaLocalScript.RunAsync(environment, args);
    }
}

/// <summary>
/// What a private broker's SSL listener presents and demands: PEM files of its certificate (chain) and unencrypted key;
/// <paramref name="ClientAuth"/> none | requested | required, with client certificates checked against
/// <paramref name="ClientCaPem"/> (the script's test CA when null).
/// </summary>
public sealed record BrokerTls(string CertificatePem, string KeyPem, string ClientAuth = "none", string? ClientCaPem = null);
