using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// Checks a connector config before anything starts: the common keys, the class, the sink topics and the
/// connector's own ConfigDef. Every problem is listed in one error, each naming its key.
/// </summary>
public static class ConnectorValidator
{
    public static (ConnectorConfig Config, ConnectorPlugin Plugin) Validate(IReadOnlyDictionary<string, string> props, PluginRegistry plugins)
    {
        var config = ConnectorConfig.Parse(props);
        var plugin = plugins.Resolve(config.ClassName);
        if (!plugin.IsSource)
        {
            config.SinkTopics();
        }

        var connector = (Connector)Activator.CreateInstance(plugin.Type)!;
        var errors = connector.Validate(props).Where(v => v.Errors.Count > 0).SelectMany(v => v.Errors).ToList();
        if (errors.Count > 0)
        {
            throw new ConfigException($"Connector configuration for {config.ConnectorName} is invalid and contains the following {errors.Count} error(s):\n" + string.Join("\n", errors));
        }

        return (config, plugin);
    }
}
