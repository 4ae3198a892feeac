using System.Runtime.InteropServices;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>
/// The self-contained single-file binary, built once for the class by <c>scripts/publish.sh</c> (linux-x64, the
/// machine CI runs on) into a temporary folder, and run as an operator runs it.
/// </summary>
[Collection("kafka")]
public sealed class SingleFileBinaryTests(PublishedBinary binary, KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<PublishedBinary>
{
    [LinuxX64Fact]
    public async Task The_binary_prints_the_version_it_was_built_with()
    {
        output.WriteLine($"publish {binary.PublishTime.TotalSeconds:F1} s");
        await ShippedCommand.AssertVersionAsync(binary.Command);
    }

    [LinuxX64Fact]
    public Task The_binary_runs_the_file_demo_answering_REST_while_the_lines_go_through_Kafka_to_the_sinks_file() =>
        ShippedCommand.AssertFileDemoAsync(binary.Command, kafka);

    [LinuxX64Fact]
    public async Task The_binary_copied_alone_into_an_empty_folder_runs_with_the_defaults_it_carries()
    {
        using var dir = RepoPaths.CreateTempDirectory("lone-binary");
        var lone = dir.Combine(Path.GetFileName(binary.Command));
        File.Copy(binary.Command, lone);
        Assert.Equal([lone], Directory.GetFileSystemEntries(dir.Path));
        await ShippedCommand.AssertFileDemoAsync(lone, kafka);
    }
}

/// <summary>Only where <c>scripts/publish.sh</c>'s default binary runs: a linux-x64 machine.</summary>
public sealed class LinuxX64FactAttribute : FactAttribute
{
    public LinuxX64FactAttribute()
    {
        if (RuntimeInformation.RuntimeIdentifier != "linux-x64")
        {
            Skip = $"the single-file binary test runs on linux-x64 only (this is {RuntimeInformation.RuntimeIdentifier})";
        }
    }
}

/// <summary>The linux-x64 single-file binary, published by scripts/publish.sh into a temporary folder.</summary>
public sealed class PublishedBinary : IAsyncLifetime
{
    private TempDirectory? _dir;

    public string Command { get; private set; } = "";

    public TimeSpan PublishTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (RuntimeInformation.RuntimeIdentifier != "linux-x64")
        {
            return;
        }

        _dir = RepoPaths.CreateTempDirectory("single-file");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var publish = ProcessRunner.Start("bash", [Path.Combine(RepoPaths.RepoRoot, "scripts", "publish.sh"), "linux-x64"],
            new Dictionary<string, string?> { ["PUBLISH_DIR"] = _dir.Path }, workingDirectory: _dir.Path, name: "publish.sh");
        var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(9));
        Assert.True(exitCode == 0, $"scripts/publish.sh exited with {exitCode}:\n{publish.Output}");
        PublishTime = started.Elapsed;
        Command = _dir.Combine("actorconnect");
        // One file with the framework and every assembly in it: nothing else but hocon/ (an editable copy of the
        // defaults the binary carries) and symbols beside it.
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.dll"));
    }

    public Task DisposeAsync()
    {
        _dir?.Dispose();
        return Task.CompletedTask;
    }
}
