using System.Collections.Concurrent;

namespace ActorConnect.Runtime.Tests.TestConnectors;

/// <summary>
/// Shared state between a test and the connectors the runtime instantiates by reflection, keyed by connector name
/// so tests running side by side never see each other's records.
/// </summary>
public static class TestRegistry
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Received = new();
    public static readonly ConcurrentDictionary<string, int> FailuresLeft = new();
    public static readonly ConcurrentDictionary<string, int> DesiredTasks = new();

    /// <summary>The value of a "secret" key as a task saw it at start (after config providers resolved it).</summary>
    public static readonly ConcurrentDictionary<string, string> SecretsSeen = new();

    /// <summary>Connectors whose poll() throws an exception quoting their "secret" key, in its message and an inner one.</summary>
    public static readonly ConcurrentDictionary<string, bool> FailQuotingSecret = new();

    /// <summary>"connector/task" entries whose poll() throws for as long as they are present.</summary>
    public static readonly ConcurrentDictionary<string, bool> FailingTasks = new();
    public static readonly ConcurrentDictionary<string, ActorConnect.Api.Connector.IConnectorContext> Contexts = new();
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> StartedTaskConfigs = new();

    public static ConcurrentQueue<string> ReceivedBy(string connector) => Received.GetOrAdd(connector, _ => new ConcurrentQueue<string>());
}
