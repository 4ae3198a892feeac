using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>Starts the real actorconnect host as a separate process, as a user would run it.</summary>
internal static partial class HostProcess
{
    public static string HostDll
    {
        get
        {
            // The host is a project reference, so its build output sits beside the test assembly.
            var beside = Path.Combine(AppContext.BaseDirectory, "actorconnect.dll");
            return File.Exists(beside) ? beside : throw new FileNotFoundException("actorconnect.dll is not beside the test assembly; build the Host project", beside);
        }
    }

    public static ProcessRunner Standalone(string workDir, params string[] files) => Standalone(workDir, null, files);

    /// <summary>The standalone host with environment variables set (KAFKA_OPTS, CONNECT_*).</summary>
    public static ProcessRunner Standalone(string workDir, IReadOnlyDictionary<string, string?>? environment, params string[] files) =>
        ProcessRunner.Start("dotnet", new[] { HostDll, "standalone" }.Concat(files), environment, workingDirectory: workDir, name: "actorconnect");

    /// <summary>Runs a command of the host that ends by itself (validate, --help, --version) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workDir, params string[] arguments)
    {
        await using var host = ProcessRunner.Start("dotnet", new[] { HostDll }.Concat(arguments), workingDirectory: workDir, name: "actorconnect");
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, host.Output);
    }

    /// <summary>A worker.properties for the shared broker; its REST server takes a free loopback port, so tests never collide on 8083.</summary>
    public static string WriteWorker(string dir, KafkaFixture kafka, string converter = "org.apache.kafka.connect.storage.StringConverter", string flushMs = "1000", int restPort = 0) =>
        WriteWorker(dir, kafka.BootstrapServers, kafka.WorkerBrokerProperties, converter: converter, flushMs: flushMs, restPort: restPort);

    /// <summary>A worker.properties for any broker, with <paramref name="extra"/> lines (security keys, say) at its end.</summary>
    public static string WriteWorker(string dir, string bootstrapServers, string brokerProperties, string extra = "",
        string converter = "org.apache.kafka.connect.storage.StringConverter", string flushMs = "1000", int restPort = 0)
    {
        var path = Path.Combine(dir, "worker.properties");
        File.WriteAllText(path, $"""
            bootstrap.servers={bootstrapServers}
            {brokerProperties}
            key.converter={converter}
            value.converter={converter}
            offset.storage.file.filename={Path.Combine(dir, "connect.offsets")}
            offset.flush.interval.ms={flushMs}
            consumer.session.timeout.ms=10000
            listeners=http://127.0.0.1:{restPort}
            {extra}
            """);
        return path;
    }

    /// <summary>The loopback port the host's REST server bound, read from the line it logs once it listens.</summary>
    public static async Task<int> RestPortAsync(ProcessRunner host)
    {
        var line = await host.WaitForOutputAsync("REST API listening on", TimeSpan.FromSeconds(60));
        var match = AdvertisedUrl().Match(line);
        Assert.True(match.Success, line);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A loopback port free right now, for a test that must know the REST port before the host starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether anything accepts a TCP connection on the loopback port.</summary>
    public static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static string WriteConnector(string dir, string fileName, params (string Key, string Value)[] props)
    {
        var path = Path.Combine(dir, fileName);
        File.WriteAllLines(path, props.Select(p => $"{p.Key}={p.Value}"));
        return path;
    }

    public static string[] ReadLinesShared(string path)
    {
        if (!File.Exists(path))
        {
            return Array.Empty<string>();
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines.ToArray();
    }

    [GeneratedRegex(@"advertised as http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex AdvertisedUrl();
}
