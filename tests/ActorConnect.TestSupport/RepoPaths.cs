namespace ActorConnect.TestSupport;

/// <summary>
/// Locates the repository from a test's output folder, so tests can run scripts and keep scratch files under the
/// gitignored <c>.local/</c> regardless of where <c>dotnet test</c> was started.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The folder holding ActorConnect.sln; throws when the tests run outside a checkout.</summary>
    public static string RepoRoot =>
        Root.Value ?? throw new InvalidOperationException(
            $"ActorConnect.sln not found above {AppContext.BaseDirectory}; set ACTORCONNECT_REPO_ROOT.");

    /// <summary>
    /// The build configuration of the running test assembly, read from its output folder (bin/&lt;Configuration&gt;/&lt;tfm&gt;/):
    /// CI builds Release, local runs often Debug, and whatever a test builds or packs from the tree must match it.
    /// </summary>
    public static string BuildConfiguration => Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;

    /// <summary>The repository root, or null outside a checkout (e.g. tests copied elsewhere).</summary>
    public static string? TryRepoRoot => Root.Value;

    /// <summary>
    /// A new empty directory for one test. Lives under <c>.local/test-tmp</c> when a checkout is found (so failures can
    /// be inspected after the run) and under the system temp folder otherwise.
    /// </summary>
    public static string NewTempDirectory(string prefix = "test")
    {
        var parent = Root.Value is { } root
            ? Path.Combine(root, ".local", "test-tmp")
            : Path.Combine(Path.GetTempPath(), "actorconnect-test-tmp");
        var dir = Path.Combine(parent, $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Like <see cref="NewTempDirectory"/>, deleted again on dispose.</summary>
    public static TempDirectory CreateTempDirectory(string prefix = "test") => new(NewTempDirectory(prefix));

    private static string? FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("ACTORCONNECT_REPO_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "ActorConnect.sln")))
        {
            return Path.GetFullPath(fromEnv);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorConnect.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}

/// <summary>A scratch directory removed on dispose; removal failures are ignored so cleanup never masks a test result.</summary>
public sealed class TempDirectory : IDisposable
{
    internal TempDirectory(string path) => Path = path;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public override string ToString() => Path;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
