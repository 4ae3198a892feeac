using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>A bad value in the --hocon file stops the real host before it serves anything, naming the key.</summary>
public sealed class HoconSettingsHostTests
{
    [Theory]
    [InlineData("actorconnect.worker.query-timeout = 0s", "actorconnect.worker.query-timeout")]
    [InlineData("actorconnect.rest.request-timeout = soon", "actorconnect.rest.request-timeout")]
    public async Task A_bad_setting_in_the_hocon_file_stops_the_start_naming_its_key(string line, string key)
    {
        using var dir = RepoPaths.CreateTempDirectory("hocon-bad");
        // Nothing is reached: the start stops before any client or listener is made.
        var worker = HostProcess.WriteWorker(dir.Path, "127.0.0.1:1", "");
        var hocon = Path.Combine(dir.Path, "bad.conf");
        await File.WriteAllTextAsync(hocon, line);

        await using var host = HostProcess.Standalone(dir.Path, worker, "--hocon", hocon);
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var fatal = Assert.Single(host.Lines, l => l.Contains("Cannot start", StringComparison.Ordinal));
        Assert.Contains($"for configuration {key}:", fatal, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Lines, l => l.Contains("REST API listening", StringComparison.Ordinal));
    }
}
