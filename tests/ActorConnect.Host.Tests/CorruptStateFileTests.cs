using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>
/// The host started on state files an operator, a full disk or another program left broken: it exits 2 as for any
/// bad configuration, naming the file, what is wrong and the fix, and serves nothing meanwhile (its REST port never
/// answers); the file is left as it was, so what it held can still be recovered.
/// </summary>
[Collection("kafka")]
public sealed class CorruptStateFileTests(KafkaFixture kafka, ITestOutputHelper output)
{
    public static TheoryData<string, string, string> CorruptFiles => new()
    {
        { "offsets", "truncated", "[\n  {\"key\": [\"src\", {\"filename\": \"/in.txt\"}],\n   \"value\": {\"posi" },
        { "offsets", "garbage", "\u0001\u0002 not json at all" },
        { "offsets", "empty", "" },
        { "offsets", "wrong shape", "{\"src\": {\"position\": 5}}" },
        { "offsets", "wrong entry", "[{\"key\": \"src\", \"value\": {\"position\": 5}}]" },
        { "connectors", "truncated", "{\n  \"connectors\": {\n    \"src\": {\"config\": {\"connector.class\": \"FileStr" },
        { "connectors", "garbage", "\u0001\u0002 not json at all" },
        { "connectors", "empty", "" },
        { "connectors", "wrong shape", "[\"src\"]" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public async Task A_corrupt_state_file_stops_the_start_with_exit_2_naming_the_file_and_nothing_is_served(string file, string damage, string content)
    {
        using var dir = RepoPaths.CreateTempDirectory("corrupt-state");
        var port = HostProcess.FreePort();
        var worker = HostProcess.WriteWorker(dir.Path, kafka, restPort: port);
        var (path, described) = file == "offsets"
            ? (dir.Combine("connect.offsets"), "offsets file")
            : (dir.Combine("connect.offsets.connectors.json"), "connector config file");
        await File.WriteAllTextAsync(path, content);
        var before = await File.ReadAllBytesAsync(path);

        await using var host = HostProcess.Standalone(dir.Path, worker);
        host.Echo = output.WriteLine;
        var exit = host.WaitForExitAsync(TimeSpan.FromSeconds(60));
        // Probed for as long as the process lives: the port must never answer, not even briefly before the failure.
        while (!exit.IsCompleted)
        {
            Assert.False(await HostProcess.AnswersAsync(port), $"the REST port {port} answered while the worker was refusing a {damage} {described}");
            await Task.WhenAny(exit, Task.Delay(Eventually.DefaultInterval));
        }

        Assert.Equal(2, await exit);
        var fatal = Assert.Single(host.Lines, l => l.Contains("FTL", StringComparison.Ordinal));
        Assert.Contains($"Cannot start: The {described} {path} (", fatal);
        Assert.Contains(") is corrupt: ", fatal);
        Assert.Contains("Restore it from a backup, or move it away", fatal);
        Assert.DoesNotContain(host.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Lines, l => l.Contains("REST API listening", StringComparison.Ordinal));
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task An_offsets_file_holding_no_offsets_starts_the_worker_and_says_that_sources_start_again()
    {
        using var dir = RepoPaths.CreateTempDirectory("empty-offsets");
        var worker = HostProcess.WriteWorker(dir.Path, kafka);
        var offsets = dir.Combine("connect.offsets");
        await File.WriteAllTextAsync(offsets, "[]");

        await using var host = HostProcess.Standalone(dir.Path, worker);
        host.Echo = output.WriteLine;
        var warning = await host.WaitForOutputAsync($"The offsets file {offsets} holds no offsets ([])", TimeSpan.FromSeconds(60));
        var port = await HostProcess.RestPortAsync(host);

        Assert.Contains("WRN", warning);
        Assert.Contains("every source connector reads its source from the start", warning);
        Assert.True(await HostProcess.AnswersAsync(port));
        Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
    }
}
