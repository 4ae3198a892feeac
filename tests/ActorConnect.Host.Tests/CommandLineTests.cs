using System.Reflection;
using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>What the installed command says before anything runs: its version, and help with examples on every command.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Version_prints_the_host_assembly_version_and_exits_0()
    {
        using var dir = RepoPaths.CreateTempDirectory("version");
        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "--version");

        Assert.Equal(0, exitCode);
        var expected = typeof(HostRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, output.Trim());
    }

    [Theory]
    [InlineData("--help", "actorconnect standalone config/worker.properties")]
    [InlineData("standalone --help", "actorconnect standalone worker.properties connector.json --status-interval 10")]
    [InlineData("distributed --help", "actorconnect distributed config/connect-distributed.properties")]
    [InlineData("validate --help", "actorconnect validate config/worker.properties config/file-source.properties")]
    [InlineData("plugins --help", "actorconnect plugins --plugin-path /opt/connectors")]
    [InlineData("test --help", "actorconnect test samples/pipeline-test/connector.properties samples/pipeline-test/cases.yaml")]
    public async Task Help_on_every_command_ends_with_its_examples(string arguments, string example)
    {
        using var dir = RepoPaths.CreateTempDirectory("help");
        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, arguments.Split(' '));

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        var examples = output.IndexOf("Examples:", StringComparison.Ordinal);
        Assert.True(examples > output.IndexOf("Usage:", StringComparison.Ordinal), output);
        Assert.Contains(example, output[examples..], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("standalone")]
    [InlineData("distributed --no-such-option worker.properties")]
    [InlineData("plugins worker.properties two.properties")]
    [InlineData("test connector.properties")]
    [InlineData("no-such-command")]
    public async Task A_usage_error_names_the_problem_and_exits_2_as_Unix_tools_do(string arguments)
    {
        using var dir = RepoPaths.CreateTempDirectory("usage");
        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, arguments.Split(' '));

        // 1 is a command's own verdict (invalid files, failed cases): a script must tell a wrong call from it.
        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Matches("Required argument missing|Unrecognized command or argument", output);
    }
}
