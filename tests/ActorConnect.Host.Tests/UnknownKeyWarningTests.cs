using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>A typo in a worker or connector file is accepted, as Kafka Connect accepts it, and warned about once at start.</summary>
[Collection("kafka")]
public sealed class UnknownKeyWarningTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Typos_in_the_worker_and_connector_files_are_warned_once_at_start_and_the_connector_runs()
    {
        using var dir = RepoPaths.CreateTempDirectory("unknown-keys");
        var worker = HostProcess.WriteWorker(dir.Path, kafka.BootstrapServers, kafka.WorkerBrokerProperties, extra: "consumer.fetch.min.byte=1\nbootstrap.server=localhost:9092");
        var name = KafkaFixture.UniqueName("typo");
        var source = HostProcess.WriteConnector(dir.Path, "source.properties", ("name", name), ("connector.class", "FileStreamSource"),
            ("file", dir.Combine("in.txt")), ("topic", name), ("tasks.maxx", "2"));

        await using var host = HostProcess.Standalone(dir.Path, worker, source);
        // The warnings come before the connector's tasks start.
        await host.WaitForOutputAsync($"Connector {name}: 1 task(s) started", Wait);

        var connector = Assert.Single(host.Lines, l => l.Contains("Unknown configuration 'tasks.maxx'", StringComparison.Ordinal));
        Assert.Contains(" WRN] ", connector, StringComparison.Ordinal);
        Assert.Contains("did you mean 'tasks.max'?", connector, StringComparison.Ordinal);
        var workerLine = Assert.Single(host.Lines, l => l.Contains("Unknown configuration 'consumer.fetch.min.byte'", StringComparison.Ordinal));
        Assert.Contains("did you mean 'consumer.fetch.min.bytes'?", workerLine, StringComparison.Ordinal);
        var topLevel = Assert.Single(host.Lines, l => l.Contains("Unknown configuration 'bootstrap.server'", StringComparison.Ordinal));
        Assert.Contains("did you mean 'bootstrap.servers'?", topLevel, StringComparison.Ordinal);
        Assert.Equal(0, await host.StopGracefullyAsync(Wait));
    }
}
