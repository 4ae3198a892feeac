using ActorConnect.Api.Config;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// What the file and directory providers share: a path per placeholder, checked against <c>allowed.paths</c> before
/// anything is read (no path at all while it is not set), and nothing held open between calls.
/// </summary>
public abstract class PathConfigProvider : IConfigProvider, ILimitedConfigProvider
{
    private AllowedPaths _allowed = AllowedPaths.Parse(new Dictionary<string, string>());

    string ILimitedConfigProvider.LimitParameter => AllowedPaths.Key;

    string ILimitedConfigProvider.LimitExample => "/run/secrets,/etc/actorconnect/secrets";

    bool ILimitedConfigProvider.IsLimited => _allowed.IsSet;

    public void Configure(IReadOnlyDictionary<string, string> parameters) => _allowed = AllowedPaths.Parse(parameters);

    public ConfigData Get(string path) => ReadAllowed(path, null);

    public ConfigData Get(string path, IReadOnlySet<string> keys) => ReadAllowed(path, keys);

    public void Dispose()
    {
        // Files are read and closed on each call.
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads the values at an allowed, normalised <paramref name="path"/>; every key when <paramref name="keys"/> is null.</summary>
    protected abstract IReadOnlyDictionary<string, string> Read(string path, string givenPath, IReadOnlySet<string>? keys);

    private ConfigData ReadAllowed(string path, IReadOnlySet<string>? keys) =>
        string.IsNullOrEmpty(path) ? ConfigData.Empty : new ConfigData(Read(_allowed.Check(path), path, keys));
}
