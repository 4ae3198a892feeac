using System.Diagnostics;
using Xunit;

namespace ActorConnect.TestSupport;

/// <summary>
/// The dotnet CLI run as a user runs it, for the tests of what ships (the tool, the single-file binary, the library
/// packages): each step fails the test with its whole output when it fails, and says how long it took.
/// </summary>
public static class DotnetCli
{
    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workDir"/>.</summary>
    public static async Task<TimeSpan> RunAsync(string workDir, params string[] arguments)
    {
        var started = Stopwatch.StartNew();
        await using var process = ProcessRunner.Start("dotnet", arguments, workingDirectory: workDir, name: "dotnet " + arguments[0]);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(9));
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {exitCode}:\n{process.Output}");
        return started.Elapsed;
    }

    /// <summary>
    /// Packs <paramref name="project"/> (a path under the repository: a project folder or a solution filter) into
    /// <paramref name="output"/> from what the tests were built with (<c>--no-build</c>, the same configuration), so a
    /// test class packs once in seconds; <paramref name="properties"/> are passed on (<c>-p:VersionSuffix=...</c>).
    /// </summary>
    public static Task<TimeSpan> PackAsync(string workDir, string project, string output, params string[] properties) =>
        RunAsync(workDir, ["pack", Path.Combine(RepoPaths.RepoRoot, project), "-c", RepoPaths.BuildConfiguration, "--no-build", "-o", output, "-nologo", .. properties]);
}
