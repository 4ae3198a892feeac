using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// Keys of a Java .properties file as config values, Kafka's org.apache.kafka.common.config.provider.FileConfigProvider:
/// <c>${file:/opt/secrets.properties:db.password}</c>. <c>allowed.paths</c> says which folders' files may be read: none until it is set.
/// </summary>
public sealed class FileConfigProvider : PathConfigProvider
{
    public static IReadOnlyList<string> Aliases { get; } = ["org.apache.kafka.common.config.provider.FileConfigProvider", "FileConfigProvider", "file"];

    protected override IReadOnlyDictionary<string, string> Read(string path, string givenPath, IReadOnlySet<string>? keys)
    {
        IReadOnlyDictionary<string, string> all;
        try
        {
            all = JavaProperties.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Could not read properties from file {givenPath}: {e.Message}");
        }
        catch (ConfigException)
        {
            // The parser quotes the malformed line, which may be a secret: name only the file.
            throw new ConfigException($"Could not read properties from file {givenPath}: it is not a valid .properties file (a malformed \\uxxxx escape).");
        }

        return keys is null ? all : all.Where(kv => keys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }
}
