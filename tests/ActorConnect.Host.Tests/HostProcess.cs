using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>Starts the real actorconnect host as a separate process, as a user would run it.</summary>
internal static class HostProcess
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

    public static ProcessRunner Standalone(string workDir, params string[] files) =>
        ProcessRunner.Start("dotnet", new[] { HostDll, "standalone" }.Concat(files), workingDirectory: workDir, name: "actorconnect");

    /// <summary>A worker.properties for the shared broker; its REST server takes a free loopback port, so tests never collide on 8083.</summary>
    public static string WriteWorker(string dir, KafkaFixture kafka, string converter = "org.apache.kafka.connect.storage.StringConverter", string flushMs = "1000")
    {
        var path = Path.Combine(dir, "worker.properties");
        File.WriteAllText(path, $"""
            bootstrap.servers={kafka.BootstrapServers}
            {kafka.WorkerBrokerProperties}
            key.converter={converter}
            value.converter={converter}
            offset.storage.file.filename={Path.Combine(dir, "connect.offsets")}
            offset.flush.interval.ms={flushMs}
            consumer.session.timeout.ms=10000
            listeners=http://127.0.0.1:0
            """);
        return path;
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
}
