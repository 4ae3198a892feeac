using System.Collections;
using System.Text.RegularExpressions;
using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// Environment variables as config values, Kafka's org.apache.kafka.common.config.provider.EnvVarConfigProvider:
/// <c>${env:DB_PASSWORD}</c>. <c>allowlist.pattern</c> (a regex the whole name must match) says which variables a
/// connector config may read. Unlike Kafka's, which reads every variable when it is not set, this one then reads none:
/// a connector config comes from any REST client, and the worker's environment is not theirs to read.
/// </summary>
public sealed class EnvVarConfigProvider : IConfigProvider, ILimitedConfigProvider
{
    public const string AllowlistPattern = "allowlist.pattern";

    private Regex? _allowed;

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

    string ILimitedConfigProvider.LimitParameter => AllowlistPattern;

    string ILimitedConfigProvider.LimitExample => "DB_.*|KAFKA_PASSWORD";

    bool ILimitedConfigProvider.IsLimited => _allowed is not null;

    public ConfigData Get(string path) => Read(path, null);

    public ConfigData Get(string path, IReadOnlySet<string> keys) => Read(path, keys);

    private ConfigData Read(string path, IReadOnlySet<string>? keys)
    {
        if (!string.IsNullOrEmpty(path))
        {
            throw new ConfigException($"Path is not supported for EnvVarConfigProvider, invalid value '{path}'");
        }

        var allowed = _allowed ?? throw new ConfigException($"EnvVarConfigProvider reads no environment variable until its {AllowlistPattern} names the ones connector configs may read.");
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry is { Key: string name, Value: string value } && allowed.IsMatch(name) && (keys is null || keys.Contains(name)))
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
