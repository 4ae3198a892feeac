using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// A worker command gives the GC its 32 MB young generation by replacing its own process (same id, same pipes, same
/// stop signals) with one whose environment has <c>DOTNET_GCgen0size</c>; an operator's own value, or
/// <c>ACTORCONNECT_GC_DEFAULTS=off</c>, is left alone.
/// </summary>
[Collection("kafka")]
public sealed class ProcessDefaultsTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_worker_runs_in_the_process_it_was_started_as_with_the_young_generation_the_host_set_and_still_stops_on_SIGTERM()
    {
        using var dir = RepoPaths.CreateTempDirectory("gc-defaults");
        var worker = HostProcess.WriteWorker(dir.Path, kafka);

        await using var host = HostProcess.Standalone(dir.Path, Clean(), worker);
        var runtime = await host.WaitForOutputAsync("Runtime: ", Wait);
        Assert.Contains("young generation 32 MB (the host's default, DOTNET_GCgen0size=0x2000000", runtime, StringComparison.Ordinal);
        // The process the test started is the one that runs: the host replaced itself rather than starting a child.
        var environment = (await File.ReadAllTextAsync($"/proc/{host.Id}/environ")).Split('\0');
        Assert.Contains("DOTNET_GCgen0size=0x2000000", environment);
        // Under its own name still (ps, top, pkill): the executable's path was executed, not /proc/self/exe.
        Assert.Equal("dotnet", (await File.ReadAllTextAsync($"/proc/{host.Id}/comm")).Trim());

        await HostProcess.RestPortAsync(host);
        // The runtime's diagnostics port listens (dotnet-trace, dotnet-counters): the image that was replaced left
        // its socket file behind, and the new runtime could not bind it.
        var ports = Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{host.Id}-*-socket");
        var port = Assert.Single(ports);
        using (var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            await client.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(port));
        }

        Assert.Equal(0, await host.StopGracefullyAsync(Wait));
        Assert.Contains(host.Lines, l => l.Contains("Stopped cleanly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_operator_s_own_DOTNET_GCgen0size_is_kept_and_ACTORCONNECT_GC_DEFAULTS_off_keeps_the_NET_default()
    {
        using var dir = RepoPaths.CreateTempDirectory("gc-defaults");
        // A worker file that does not exist: the host logs its runtime, then exits 2 naming the file.
        var missing = dir.Combine("missing-worker.properties");

        var own = Clean();
        own["DOTNET_GCgen0size"] = "0x4000000";
        var (ownExit, ownOutput) = await RunAsync(dir.Path, own, missing);
        Assert.Equal(2, ownExit);
        Assert.Contains("young generation 64 MB (DOTNET_GCgen0size=0x4000000 from the environment)", ownOutput, StringComparison.Ordinal);

        var declined = Clean();
        declined["ACTORCONNECT_GC_DEFAULTS"] = "off";
        var (declinedExit, declinedOutput) = await RunAsync(dir.Path, declined, missing);
        Assert.Equal(2, declinedExit);
        Assert.Contains("young generation 6 MB (.NET's default", declinedOutput, StringComparison.Ordinal);
        Assert.Contains("missing-worker.properties", declinedOutput, StringComparison.Ordinal);
    }

    /// <summary>Neither variable inherited from whoever runs the tests.</summary>
    private static Dictionary<string, string?> Clean() => new()
    {
        ["DOTNET_GCgen0size"] = null,
        ["COMPlus_GCgen0size"] = null,
        ["ACTORCONNECT_GC_DEFAULTS"] = null,
    };

    private static async Task<(int ExitCode, string Output)> RunAsync(string workDir, IReadOnlyDictionary<string, string?> environment, string workerFile)
    {
        await using var host = HostProcess.Standalone(workDir, environment, workerFile);
        var exitCode = await host.WaitForExitAsync(Wait);
        return (exitCode, host.Output);
    }
}
