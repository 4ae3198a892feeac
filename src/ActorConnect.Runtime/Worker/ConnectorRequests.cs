using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// The request rules every worker (standalone or distributed) applies the same way, with Kafka Connect's messages:
/// the name in a config must match the connector's, a PATCH merges with null removing a key, and offsets change only
/// while STOPPED.
/// </summary>
public static class ConnectorRequests
{
    /// <summary>The error when a config names another connector than the request, or null when it does not.</summary>
    public static BadRequestException? NameMismatch(string name, IReadOnlyDictionary<string, string?> config, bool patch = false) =>
        config.GetValueOrDefault(ConnectorConfig.Name) is { } named && named != name
            ? new BadRequestException($"Connector name configuration ({named}) doesn't match connector name in the URL ({name})" + (patch ? "; the name cannot be changed" : string.Empty))
            : null;

    /// <summary>The config with a PATCH applied: a value replaces or adds its key, null removes it.</summary>
    public static Dictionary<string, string> ApplyPatch(IReadOnlyDictionary<string, string> config, IReadOnlyDictionary<string, string?> patch)
    {
        var result = new Dictionary<string, string>(config);
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = value;
            }
        }

        return result;
    }

    /// <summary>Kafka Connect's refusal of an offsets change while the connector is not STOPPED.</summary>
    public static BadRequestException NotStopped(string name) => new(
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a " +
        $"'PUT' request to the '/connectors/{name}/stop' endpoint");
}
