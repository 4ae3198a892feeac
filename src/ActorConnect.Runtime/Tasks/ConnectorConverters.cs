using ActorConnect.Api.Storage;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// A connector's key or value converter, as a task gets it: the connector's own <c>key.converter</c> when set, else the
/// worker's; settings from the worker's <c>key.converter.*</c> overridden by the connector's.
/// </summary>
public static class ConnectorConverters
{
    /// <summary>Creates and configures the converter; throws <see cref="Api.Errors.ConfigException"/> when neither config names one.</summary>
    public static IConverter Create(IReadOnlyDictionary<string, string> workerOriginals, IReadOnlyDictionary<string, string> connectorConfig, bool isKey)
    {
        var prefix = isKey ? "key.converter" : "value.converter";
        var className = connectorConfig.GetValueOrDefault(prefix) ?? workerOriginals.GetValueOrDefault(prefix)
            ?? throw new Api.Errors.ConfigException($"Missing required configuration \"{prefix}\" which has no default value.");
        var settings = new Dictionary<string, string>();
        foreach (var source in new[] { workerOriginals, connectorConfig })
        {
            foreach (var (k, v) in source)
            {
                if (k.StartsWith(prefix + ".", StringComparison.Ordinal))
                {
                    settings[k[(prefix.Length + 1)..]] = v;
                }
            }
        }

        return PluginRegistry.CreateConverter(className, settings, isKey);
    }
}
