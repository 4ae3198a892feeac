using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests.Discovery;

/// <summary>
/// Two clusters on one group heal into one, with real <c>actorconnect distributed</c> processes and the real config
/// topic: a worker frozen (SIGSTOP) longer than the stable margin looks gone, so a worker started meanwhile forms a
/// cluster of its own; when the frozen one wakes, the younger cluster stands down, its worker ends its node and the
/// host starts it again, and it joins the older cluster.
/// </summary>
[Collection("kafka")]
public sealed class DiscoveryRejoinProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_worker_that_formed_a_second_cluster_while_the_first_was_frozen_stands_down_and_joins_the_first_when_it_wakes()
    {
        var topics = await ClusterHarness.CreateAsync(kafka);
        var dir = RepoPaths.NewTempDirectory("rejoin");
        await using var first = await StartAsync(topics, dir, "first");
        await first.WaitForOutputAsync("This worker runs connectors and tasks", Timeout);

        Signal("STOP", first.Id);
        ProcessRunner second;
        try
        {
            second = await StartAsync(topics, dir, "second");
            await second.WaitForOutputAsync("forming a new cluster", Timeout);
            await second.WaitForOutputAsync("This worker runs connectors and tasks", Timeout);
        }
        finally
        {
            Signal("CONT", first.Id);
        }

        await using (second)
        {
            await second.WaitForOutputAsync("This worker runs nothing: another cluster", Timeout);
            await second.WaitForOutputAsync("left its cluster to join the older cluster", Timeout);
            await first.WaitForOutputAsync("(2 Up)", Timeout);
            await second.WaitForOutputAsync("(2 Up)", Timeout);
            await second.WaitForOutputAsync(l => l.Contains("This worker runs connectors and tasks", StringComparison.Ordinal) && l.Contains("1 other member", StringComparison.Ordinal),
                Timeout);
            // Not asserted: the first worker's own notice of the second cluster ("a second cluster of group.id ..."). It
            // logs it only if one of its looks at the config topic falls while the second cluster still stands apart,
            // and the second can stand down and join before that (failed once in CI, 2026-12-07).
        }
    }

    private async Task<ProcessRunner> StartAsync(ClusterHarness topics, string dir, string name)
    {
        var props = topics.Properties([]);
        props["cluster.port"] = ProcessCluster.FreePort().ToString();
        props["listeners"] = $"http://127.0.0.1:{ProcessCluster.FreePort()}";
        var file = Path.Combine(dir, $"{name}.properties");
        await File.WriteAllLinesAsync(file, props.Select(kv => $"{kv.Key}={kv.Value}"));
        var process = ProcessRunner.Start("dotnet", [ProcessCluster.HostDll, "distributed", file], workingDirectory: dir, name: name,
            echo: line =>
            {
                if (line.Contains("Discovery", StringComparison.Ordinal) || line.Contains("runs nothing", StringComparison.Ordinal) || line.Contains(" Up)", StringComparison.Ordinal))
                {
                    output.WriteLine($"{name}: {line}");
                }
            });
        await process.WaitForOutputAsync("distributed worker started", Timeout);
        return process;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
