using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// How the worker reads a connector (status, task configs, info) and finds the one a request names; reads go to the
/// connector's supervisor and are gathered off the mailbox.
/// </summary>
public sealed partial class WorkerActor
{
    /// <summary>
    /// A connector's status. A supervisor that does not answer (its connector blocked in start() or taskConfigs())
    /// still gets an entry that says so, rather than failing the query for every connector.
    /// </summary>
    private Task<ConnectorStatus> StatusOf(ConnectorEntry e)
    {
        var (name, type, workerId) = (e.Name, e.Type, _services.WorkerId);
        if (e.Supervisor is not { } s)
        {
            return Task.FromResult(new ConnectorStatus(
                name,
                e.LoadError is not null ? ConnectState.Failed : e.Target == TargetState.Stopped ? ConnectState.Stopped : ConnectState.Unassigned,
                workerId,
                type,
                e.LoadError is { } error ? FailureTrace.Render(error, _services.Providers.Secrets) : null,
                []));
        }

        return s.Ask<ConnectorStatus>(ConnectorProtocol.GetStatus.Instance, QueryTimeout).ContinueWith(t => t.IsCompletedSuccessfully
            ? t.Result
            : new ConnectorStatus(name, ConnectState.Unassigned, workerId, type,
                $"The supervisor of connector {name} did not answer within {QueryTimeout.TotalSeconds:N0} s: the connector is probably blocked in start(), taskConfigs() or stop(). " +
                "Its thread is its own, so other connectors and this worker are not affected; check the connector's logs, or delete it.",
                []));
    }

    private Task<IReadOnlyList<TaskInfo>> TaskConfigsOf(ConnectorEntry e) => e.Supervisor is { } s
        ? s.Ask<IReadOnlyList<TaskInfo>>(ConnectorProtocol.GetTaskConfigs.Instance, QueryTimeout)
        : Task.FromResult<IReadOnlyList<TaskInfo>>([]);

    private Task<ConnectorInfo> InfoOf(ConnectorEntry e)
    {
        var (name, config, type) = (e.Name, e.Config, e.Type);
        return TaskConfigsOf(e).ContinueWith(t => new ConnectorInfo(name, config, t.Result.Select(i => i.Id).ToList(), type), TaskContinuationOptions.OnlyOnRanToCompletion);
    }

    private void WithConnector(string name, Action<ConnectorEntry> action)
    {
        if (_connectors.TryGetValue(name, out var e))
        {
            action(e);
        }
        else
        {
            Sender.Tell(Failure(new NotFoundException($"Connector {name} not found")));
        }
    }

    private void WithSupervisor(string name, Action<IActorRef> action) => WithConnector(name, e =>
    {
        if (e.Supervisor is { } s)
        {
            action(s);
        }
        else if (e.LoadError is not null)
        {
            Sender.Tell(Failure(NotLoaded(e)));
        }
        else
        {
            Sender.Tell(Failure(new ConflictException($"Connector {name} is being reconfigured; try again in a moment")));
        }
    });

    private static ConflictException NotLoaded(ConnectorEntry e) => new(
        $"Connector {e.Name} could not be started from the config store ({e.LoadError?.Message}); fix its config with PUT /connectors/{e.Name}/config or delete it");

    private void WithPlugin(ConnectorEntry e, Action<ConnectorPlugin> action)
    {
        if (e.Plugin is { } plugin)
        {
            action(plugin);
        }
        else
        {
            Sender.Tell(Failure(new ConflictException($"Connector {e.Name} could not be loaded ({e.LoadError?.Message}); fix or delete it first")));
        }
    }
}
