using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Validation;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// Checks a connector config before anything starts, with the same rules as the validate endpoint
/// (<see cref="ConnectorConfigValidator"/>): every problem is listed in one error with Kafka Connect's wording.
/// </summary>
public static class ConnectorValidator
{
    /// <summary>
    /// Validates <paramref name="props"/>; throws <see cref="ConfigException"/> for an invalid config or an unknown
    /// <c>connector.class</c> (naming the nearest known connector).
    /// </summary>
    public static (ConnectorConfig Config, ConnectorPlugin Plugin) Validate(IReadOnlyDictionary<string, string> props, PluginRegistry plugins) =>
        Validate(props, plugins, null, ClientConfigOverridePolicy.Default);

    /// <summary>
    /// Validates the config as the worker of <paramref name="services"/> runs it: its plugins, its config providers
    /// and its client config override policy. How both modes check a config before they store or start it.
    /// </summary>
    public static (ConnectorConfig Config, ConnectorPlugin Plugin) Validate(IReadOnlyDictionary<string, string> props, Tasks.TaskServices services) =>
        Validate(props, services.Plugins, services.Providers, services.Worker.ClientConfigOverridePolicy);

    /// <summary>
    /// Validates the config as the connector will see it, its <c>${provider:path:key}</c> placeholders resolved by
    /// <paramref name="providers"/> (as Kafka Connect validates the transformed config), refusing the
    /// <c>*.override.*</c> keys <paramref name="policy"/> forbids; the error shows placeholders, not the values they
    /// stand for, and no secret value. The returned <see cref="ConnectorConfig"/> holds the config as given,
    /// placeholders unresolved, whenever that parses.
    /// </summary>
    public static (ConnectorConfig Config, ConnectorPlugin Plugin) Validate(IReadOnlyDictionary<string, string> props, PluginRegistry plugins, ConfigProviders? providers, ClientConfigOverridePolicy policy)
    {
        var resolved = providers?.Resolve(props) ?? props;
        if (!resolved.TryGetValue(ConnectorConfig.ConnectorClass, out var className) || string.IsNullOrWhiteSpace(className))
        {
            throw new ConfigException($"Missing required configuration \"{ConnectorConfig.ConnectorClass}\" which has no default value.");
        }

        var plugin = plugins.Resolve(className);
        var infos = new ConnectorConfigValidator(plugins, policy).Validate(plugin, props, resolved, providers?.Secrets);
        if (infos.ErrorCount > 0)
        {
            throw new ConfigException(Message(infos));
        }

        return (ParseKeepingPlaceholders(props, resolved), plugin);
    }

    /// <summary>Kafka Connect's message for an invalid connector config, every error on its own line.</summary>
    public static string Message(ConfigInfos infos) =>
        $"Connector configuration is invalid and contains the following {infos.ErrorCount} error(s):\n"
        + string.Concat(infos.Configs.SelectMany(c => c.Value.Errors).Select(e => e + "\n"))
        + "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`";

    // The resolved config may hold secrets; a ConnectorConfig is logged and kept, so it gets them only when a common
    // key itself (tasks.max) is a placeholder.
    private static ConnectorConfig ParseKeepingPlaceholders(IReadOnlyDictionary<string, string> props, IReadOnlyDictionary<string, string> resolved)
    {
        if (ReferenceEquals(props, resolved))
        {
            return ConnectorConfig.Parse(props);
        }

        try
        {
            return ConnectorConfig.Parse(props);
        }
        catch (ConfigException)
        {
            return ConnectorConfig.Parse(resolved);
        }
    }
}
