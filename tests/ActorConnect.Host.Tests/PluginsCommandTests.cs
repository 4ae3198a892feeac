using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// <c>actorconnect plugins</c>, run as a user runs it: the host's own plugins and those of a plugin.path folder (the
/// test plugin, which this assembly never references), each with its version, aliases and where it was loaded from,
/// and what in the folder could not be loaded, with the reason and an exit code a deployment can check.
/// </summary>
public sealed class PluginsCommandTests
{
    [Fact]
    public async Task A_plugin_path_plugin_is_listed_with_its_version_aliases_and_file_and_a_broken_assembly_with_its_reason_and_exit_1()
    {
        using var dir = RepoPaths.CreateTempDirectory("plugins-list");
        var pluginsRoot = TestPluginBuild.InstallDllOnly(dir.Path);
        var broken = Directory.CreateDirectory(Path.Combine(pluginsRoot, "broken")).FullName;
        // A copy cut short: the first bytes of a real assembly, as an interrupted download leaves it.
        var bytes = await File.ReadAllBytesAsync(TestPluginBuild.DllPath);
        await File.WriteAllBytesAsync(Path.Combine(broken, "Truncated.dll"), bytes[..512]);

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "plugins", "--plugin-path", pluginsRoot);

        Assert.True(exitCode == 1, output);
        var lines = output.Split('\n');
        var echo = Path.Combine(pluginsRoot, "echo", TestPluginBuild.AssemblyFile);
        var plugin = Assert.Single(lines, l => l.Contains("ActorConnect.TestPlugin.IsolatedEchoSourceConnector ", StringComparison.Ordinal));
        Assert.Matches(@"^source +ActorConnect\.TestPlugin\.IsolatedEchoSourceConnector +1\.0-test +.*com\.example\.IsolatedEcho, .* +" + System.Text.RegularExpressions.Regex.Escape(echo), plugin.TrimEnd());
        // Built-in plugins of every kind, with the assembly they came with.
        Assert.Contains(lines, l => l.StartsWith("source ", StringComparison.Ordinal) && l.Contains("org.apache.kafka.connect.file.FileStreamSourceConnector", StringComparison.Ordinal)
            && l.Contains("FileStreamSource", StringComparison.Ordinal) && l.TrimEnd().EndsWith("built in (ActorConnect.Connectors.File.dll)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("converter ", StringComparison.Ordinal) && l.Contains("org.apache.kafka.connect.json.JsonConverter", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("transformation ", StringComparison.Ordinal) && l.Contains("org.apache.kafka.connect.transforms.RegexRouter", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("predicate ", StringComparison.Ordinal) && l.Contains("org.apache.kafka.connect.transforms.predicates.TopicNameMatches", StringComparison.Ordinal));

        Assert.Contains(", 1 from plugin.path; 1 could not be loaded.", output, StringComparison.Ordinal);
        Assert.Contains($"  NOT LOADED {Path.Combine(broken, "Truncated.dll")}: not a .NET assembly (", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_files_plugin_path_is_listed_and_exits_0_when_everything_loaded()
    {
        using var dir = RepoPaths.CreateTempDirectory("plugins-worker");
        var pluginsRoot = TestPluginBuild.InstallDllOnly(dir.Path);
        var worker = HostProcess.WriteConnector(dir.Path, "worker.properties", ("bootstrap.servers", "127.0.0.1:9"), ("plugin.path", pluginsRoot));

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "plugins", worker);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"found in plugin.path {pluginsRoot}:", output, StringComparison.Ordinal);
        Assert.Contains(", 1 from plugin.path; 0 could not be loaded.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_path_folder_that_does_not_exist_is_named_and_exits_1()
    {
        using var dir = RepoPaths.CreateTempDirectory("plugins-missing");
        var missing = dir.Combine("no-such-plugins");

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "plugins", "--plugin-path", missing);

        Assert.Equal(1, exitCode);
        Assert.Contains("ERROR plugin.path:", output, StringComparison.Ordinal);
        Assert.Contains(missing, output, StringComparison.Ordinal);
        Assert.Contains("the folder does not exist", output, StringComparison.Ordinal);
    }
}
