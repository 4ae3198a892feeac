using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>
/// The <c>actorconnect</c> .NET tool: packed from this tree once for the class (<c>dotnet pack --no-build</c> of the
/// host the tests were built with), installed from that folder as a user installs it, and run by its command.
/// </summary>
[Collection("kafka")]
public sealed class ToolPackageTests(InstalledTool tool, KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<InstalledTool>
{
    [Fact]
    public async Task The_installed_command_prints_the_version_it_was_packed_with()
    {
        output.WriteLine($"pack {tool.PackTime.TotalSeconds:F1} s, install {tool.InstallTime.TotalSeconds:F1} s");
        await ShippedCommand.AssertVersionAsync(tool.Command);
    }

    [Fact]
    public Task The_installed_command_validates_the_sample_files() => ShippedCommand.AssertSampleFilesValidateAsync(tool.Command);

    [Fact]
    public Task The_installed_command_runs_the_file_demo_answering_REST_while_the_lines_go_through_Kafka_to_the_sinks_file() =>
        ShippedCommand.AssertFileDemoAsync(tool.Command, kafka);
}

/// <summary>The host packed as a .NET tool into a temporary folder and installed from there with <c>--tool-path</c>.</summary>
public sealed class InstalledTool : IAsyncLifetime
{
    private TempDirectory? _dir;

    /// <summary>The installed command (the tool's shim).</summary>
    public string Command { get; private set; } = "";

    public TimeSpan PackTime { get; private set; }

    public TimeSpan InstallTime { get; private set; }

    public async Task InitializeAsync()
    {
        _dir = RepoPaths.CreateTempDirectory("tool");
        var packages = _dir.Combine("packages");
        // --no-build: the host is already built (the tests reference it); packing is then a publish and a zip.
        PackTime = await DotnetCli.PackAsync(_dir.Path, Path.Combine("src", "ActorConnect.Host"), packages);
        var package = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(packages, "actorconnect.*.nupkg")));
        var version = package["actorconnect.".Length..];
        // Only the local folder is needed (a tool package has no dependencies); other sources may be offline.
        InstallTime = await DotnetCli.RunAsync(_dir.Path, "tool", "install", "--tool-path", _dir.Combine("tool"), "--add-source", packages,
            "--ignore-failed-sources", "actorconnect", "--version", version);
        Command = _dir.Combine("tool", OperatingSystem.IsWindows() ? "actorconnect.exe" : "actorconnect");
        Assert.True(File.Exists(Command), $"dotnet tool install left no {Command}");
    }

    public Task DisposeAsync()
    {
        _dir?.Dispose();
        return Task.CompletedTask;
    }
}
