using System.Diagnostics;

namespace ActorConnect.TestSupport;

/// <summary>
/// A Kafka 0.9 broker of one test's own (scripts/kafka-local.sh on other ports, with its own data), for chaos tests
/// that stop and restart the broker: the shared one serves every other test and must never go down.
/// </summary>
public sealed class PrivateKafka : IAsyncDisposable
{
    private readonly int _port;
    private readonly int _zkPort;

    private PrivateKafka(int port, int zkPort)
    {
        _port = port;
        _zkPort = zkPort;
    }

    /// <summary>host:port of the broker.</summary>
    public string BootstrapServers => $"127.0.0.1:{_port}";

    /// <summary>What a worker.properties needs for a 0.9 broker.</summary>
    public static string WorkerBrokerProperties => "api.version.request=false\nbroker.version.fallback=0.9.0.1\n";

    /// <summary>Installs (once) and starts a fresh broker and ZooKeeper on the given ports.</summary>
    public static async Task<PrivateKafka> StartAsync(int port, int zkPort)
    {
        var kafka = new PrivateKafka(port, zkPort);
        await kafka.RunAsync("install").ConfigureAwait(false);
        await kafka.RunAsync("start").ConfigureAwait(false);
        return kafka;
    }

    /// <summary>Creates a topic through ZooKeeper (0.9 has no CreateTopics API).</summary>
    public Task CreateTopicAsync(string name, int partitions) => RunAsync("topic", name, partitions.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Stops the broker only: an outage; topics and committed offsets stay for <see cref="StartBrokerAsync"/>.</summary>
    public Task StopBrokerAsync() => RunAsync("broker-stop");

    /// <summary>Brings the stopped broker back and returns once it listens.</summary>
    public Task StartBrokerAsync() => RunAsync("broker-start");

    public async ValueTask DisposeAsync() => await RunAsync("stop").ConfigureAwait(false);

    private async Task RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.RepoRoot,
        };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.RepoRoot, "scripts", "kafka-local.sh"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["KAFKA_LOCAL_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["ZK_LOCAL_PORT"] = _zkPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kafka-local.sh {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }
}
