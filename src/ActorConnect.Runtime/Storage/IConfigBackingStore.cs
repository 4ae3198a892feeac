using ActorConnect.Runtime.Model;

namespace ActorConnect.Runtime.Storage;

/// <summary>One connector as stored: its config as the user gave it (placeholders unresolved) and its target state.</summary>
public sealed record StoredConnector(string Name, IReadOnlyDictionary<string, string> Config, TargetState TargetState);

/// <summary>
/// Where connector configs and target states live, so connectors come back after a restart in the state the user
/// left them: a file in standalone mode, a compacted topic in distributed mode. <see cref="Put"/> and
/// <see cref="Remove"/> return only when the change is durable.
/// </summary>
public interface IConfigBackingStore
{
    /// <summary>Every stored connector, sorted by name.</summary>
    IReadOnlyList<StoredConnector> ReadAll();

    /// <summary>Stores a connector's config and target state, replacing what was there.</summary>
    void Put(StoredConnector connector);

    /// <summary>Forgets a connector.</summary>
    void Remove(string name);

    /// <summary>
    /// How an operator removes connector <paramref name="name"/> from this store by hand, as a sentence's end ("stop
    /// the worker and ..."): for a connector the REST API cannot reach.
    /// </summary>
    string HowToRemove(string name);
}
