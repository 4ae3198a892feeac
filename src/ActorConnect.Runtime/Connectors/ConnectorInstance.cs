using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Plugins;
using Akka.Actor;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// One running instance of a connector plugin, as its supervisor sees it: start, ask for task configs (checked
/// against tasks.max), stop. The supervisor owns the lifecycle and calls these on its own dispatcher.
/// </summary>
internal sealed class ConnectorInstance
{
    private readonly Connector _connector;

    private ConnectorInstance(Connector connector) => _connector = connector;

    public Type TaskType => _connector.TaskType;

    /// <summary>Creates and starts the connector; throws what its constructor or start throws.</summary>
    public static ConnectorInstance Start(ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config, IActorRef supervisor)
    {
        var connector = (Connector)Activator.CreateInstance(plugin.Type)!;
        connector.Initialize(new ConnectorContext(supervisor));
        connector.Start(config);
        return new ConnectorInstance(connector);
    }

    /// <summary>The connector's task configs, each also naming the task class, as Kafka Connect's task configs do.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(string name, int maxTasks)
    {
        var configs = _connector.TaskConfigs(maxTasks);
        if (configs.Count > maxTasks)
        {
            throw new ConnectException(
                $"Connector {name} generated {configs.Count} task configs, more than tasks.max={maxTasks}. Raise tasks.max or fix the connector.");
        }

        return configs.Select(c => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(c)
        {
            ["task.class"] = _connector.TaskType.FullName!,
        }).ToList();
    }

    /// <summary>Stops the connector; what it throws is returned, not thrown, so stopping always completes.</summary>
    public Exception? Stop()
    {
        try
        {
            _connector.Stop();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>True when two task config lists are the same, in order.</summary>
    public static bool SameConfigs(IReadOnlyList<IReadOnlyDictionary<string, string>> a, IReadOnlyList<IReadOnlyDictionary<string, string>> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Count == p.Second.Count && !p.First.Except(p.Second).Any());
}
