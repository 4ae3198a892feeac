using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// Kafka's <c>allowed.paths</c> parameter of the file and directory providers: only files under these folders may be
/// read, so a connector config cannot make the worker read any file it can reach. Unlike Kafka's providers, which read
/// any path when it is not set, these then read none.
/// </summary>
internal sealed class AllowedPaths
{
    public const string Key = "allowed.paths";

    private readonly IReadOnlyList<string>? _roots;

    private AllowedPaths(IReadOnlyList<string>? roots) => _roots = roots;

    public static AllowedPaths Parse(IReadOnlyDictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue(Key, out var raw) || string.IsNullOrWhiteSpace(raw))
        {
            return new AllowedPaths(null);
        }

        var roots = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p =>
            Path.IsPathRooted(p)
                ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))
                : throw new ConfigException(Key, p, "Path must be absolute")).ToList();
        return new AllowedPaths(roots);
    }

    /// <summary>False when no folder is allowed: every path is refused.</summary>
    public bool IsSet => _roots is not null;

    /// <summary>The normalised path, or a <see cref="ConfigException"/> when it lies outside every allowed folder.</summary>
    public string Check(string path)
    {
        if (_roots is null)
        {
            throw new ConfigException($"The path {path} is not allowed to be accessed: no {Key} is set, so no path is.");
        }

        var full = Path.GetFullPath(path);
        if (_roots.Any(root => full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            return full;
        }

        throw new ConfigException($"The path {path} is not allowed to be accessed: it is not under any folder of {Key} ({string.Join(",", _roots)}).");
    }
}
