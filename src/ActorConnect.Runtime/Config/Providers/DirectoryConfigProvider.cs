using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// Files of a folder as config values, one file per key (Docker and Kubernetes secrets), Kafka's
/// org.apache.kafka.common.config.provider.DirectoryConfigProvider: <c>${directory:/run/secrets:db-password}</c> is
/// the whole content of /run/secrets/db-password, as is (a trailing newline included). Only regular files directly in
/// the folder are keys. <c>allowed.paths</c> says which folders may be read: none until it is set.
/// </summary>
public sealed class DirectoryConfigProvider : PathConfigProvider
{
    public static IReadOnlyList<string> Aliases { get; } = ["org.apache.kafka.common.config.provider.DirectoryConfigProvider", "DirectoryConfigProvider", "directory"];

    protected override IReadOnlyDictionary<string, string> Read(string path, string givenPath, IReadOnlySet<string>? keys)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (!Directory.Exists(path))
            {
                return data;
            }

            foreach (var file in Directory.EnumerateFiles(path))
            {
                var key = Path.GetFileName(file);
                if (keys is null || keys.Contains(key))
                {
                    data[key] = File.ReadAllText(file);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Could not read files of directory {givenPath}: {e.Message}");
        }

        return data;
    }
}
