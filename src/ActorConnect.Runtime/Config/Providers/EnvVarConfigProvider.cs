using System.Collections;
using System.Text.RegularExpressions;
using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// Environment variables as config values, Kafka's org.apache.kafka.common.config.provider.EnvVarConfigProvider:
/// <c>${env:DB_PASSWORD}</c>. <c>allowlist.pattern</c> (a regex the whole name must match) limits which variables a
/// connector config may read; by default all.
/// </summary>
public sealed class EnvVarConfigProvider : IConfigProvider
{
    public const string AllowlistPattern = "allowlist.pattern";

    private Regex _allowed = new("^(?:.*)$", RegexOptions.Singleline);

    public static IReadOnlyList<string> Aliases { get; } = ["org.apache.kafka.common.config.provider.EnvVarConfigProvider", "EnvVarConfigProvider", "env"];

    public void Configure(IReadOnlyDictionary<string, string> parameters)
    {
        if (parameters.TryGetValue(AllowlistPattern, out var pattern))
        {
            try
            {
                _allowed = new Regex($"^(?:{pattern})$", RegexOptions.Singleline);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException(AllowlistPattern, pattern, $"not a valid regular expression: {e.Message}");
            }
        }
    }

    public ConfigData Get(string path) => Read(path, null);

    public ConfigData Get(string path, IReadOnlySet<string> keys) => Read(path, keys);

    private ConfigData Read(string path, IReadOnlySet<string>? keys)
    {
        if (!string.IsNullOrEmpty(path))
        {
            throw new ConfigException($"Path is not supported for EnvVarConfigProvider, invalid value '{path}'");
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry is { Key: string name, Value: string value } && _allowed.IsMatch(name) && (keys is null || keys.Contains(name)))
            {
                data[name] = value;
            }
        }

        return new ConfigData(data);
    }

    public void Dispose()
    {
        // Nothing is held open.
    }
}
