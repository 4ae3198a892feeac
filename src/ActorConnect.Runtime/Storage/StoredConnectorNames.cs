using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Logging;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Connectors found in a config store under a name <see cref="ConnectorNames"/> refuses. Beside the store rather than
/// the naming rule because the remedy it names is the store's own.
/// </summary>
public static class StoredConnectorNames
{
    /// <summary>
    /// The error for a connector stored (before this rule, or by hand) under a name the REST API cannot reach, saying
    /// how to remove it with <paramref name="store"/>'s own means; null when the name is fine. The worker keeps such a
    /// connector FAILED with this message rather than dropping it, so it is reported, not silently gone.
    /// </summary>
    public static ConfigException? Unreachable(string name, IConfigBackingStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ConnectorNames.Problem(name) is { } problem
            ? new ConfigException(
                $"Connector '{LogText.Escape(name)}' was stored under a name the REST API cannot reach ({problem}). It is not started; " +
                $"to remove it, {store.HowToRemove(name)}, then create it again under another name.")
            : null;
    }
}
