using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Worker;
using Akka.Actor;

namespace ActorConnect.Runtime.Standalone;

/// <summary>
/// Where the standalone worker finds what requests read: its connectors' records, and their supervisors, which run
/// them here and answer off the mailbox for status, task configs and restarts.
/// </summary>
public sealed partial class WorkerActor
{
    ConnectorView? IWorkerMode.Find(string name) => _connectors.TryGetValue(name, out var e) ? View(e) : null;

    IReadOnlyList<ConnectorView> IWorkerMode.All() => _connectors.Values.Select(View).ToList();

    bool IWorkerMode.Exists(string name) => _connectors.ContainsKey(name);

    /// <summary>
    /// A connector's status. A supervisor that does not answer (its connector blocked in start() or taskConfigs())
    /// still gets an entry that says so, rather than failing the query for every connector.
    /// </summary>
    Task<ConnectorStatus> IWorkerMode.StatusAsync(ConnectorView connector)
    {
        var e = _connectors[connector.Name];
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

    Task<IReadOnlyList<TaskInfo>> IWorkerMode.TaskConfigsAsync(ConnectorView connector) => _connectors[connector.Name].Supervisor is { } s
        ? s.Ask<IReadOnlyList<TaskInfo>>(ConnectorProtocol.GetTaskConfigs.Instance, QueryTimeout)
        : Task.FromResult<IReadOnlyList<TaskInfo>>([]);

    void IWorkerMode.GetTaskStatus(ConnectorView connector, int task) => ToSupervisor(connector, new ConnectorProtocol.GetTaskStatus(task));

    void IWorkerMode.Restart(ConnectorView connector, bool includeTasks, bool onlyFailed) =>
        ToSupervisor(connector, new ConnectorProtocol.Restart(includeTasks, onlyFailed));

    void IWorkerMode.RestartTask(ConnectorView connector, int task) => ToSupervisor(connector, new ConnectorProtocol.RestartTask(task));

    void IWorkerMode.GetActiveTopics(ConnectorView connector) =>
        Sender.Tell(new WorkerProtocol.ActiveTopics(connector.Name, _connectors[connector.Name].ActiveTopics.ToList()));

    void IWorkerMode.ResetActiveTopics(ConnectorView connector)
    {
        _connectors[connector.Name].ActiveTopics.Clear();
        Sender.Tell(new Akka.Actor.Status.Success(connector.Name));
    }

    // The offsets store is this process's own: always current.
    Task IWorkerMode.BeforeOffsetsReadAsync() => Task.CompletedTask;

    /// <summary>Its supervisor applies STOPPED (again) and answers once its tasks have stopped; the change goes ahead once it has answered or timed out.</summary>
    Task IWorkerMode.ConfirmStoppedAsync(ConnectorView connector) => _connectors[connector.Name].Supervisor is { } s
        ? s.Ask<ConnectorProtocol.TargetStateApplied>(new ConnectorProtocol.SetTargetState(TargetState.Stopped), _services.Worker.TaskShutdownTimeout + QueryTimeout)
            .ContinueWith(_ => { })
        : Task.FromException(ConnectorRequests.NotStopped(connector.Name));

    WorkerProtocol.Healthy IWorkerMode.Health(WorkerProtocol.Healthy healthy) => healthy;

    // A standalone worker is its own cluster: applied here, there is no other worker to reach.
    void IWorkerMode.SpreadLoggerLevel(WorkerProtocol.ApplyLoggerLevel level)
    {
    }

    private static ConnectorView View(ConnectorEntry e) => new(e.Name, e.Config, e.Target, e.Plugin, e.LoadError);

    /// <summary>
    /// Sends <paramref name="message"/> to the connector's supervisor on the requester's behalf. While a new config
    /// replaces the supervisor (a PUT answers before the old one has stopped), the message waits for the new one, as
    /// Kafka Connect's standalone herder applies a config before it takes the next request.
    /// </summary>
    private void ToSupervisor(ConnectorView connector, object message) => ToSupervisor(connector.Name, message, Sender);

    private void ToSupervisor(string name, object message, IActorRef requester)
    {
        if (!_connectors.TryGetValue(name, out var e))
        {
            requester.Tell(WorkerCore.Failure(new Api.Errors.NotFoundException($"Connector {name} not found")));
        }
        else if (e.Supervisor is { } s)
        {
            s.Tell(message, requester);
        }
        else if (e.LoadError is not null)
        {
            requester.Tell(WorkerCore.Failure(NotLoaded(e)));
        }
        else if (_stopping.ContainsKey(name))
        {
            // Added after the replacement's spawn, so it runs once the new supervisor exists (AfterStopped keeps order).
            AfterStopped(name, () => ToSupervisor(name, message, requester));
        }
        else
        {
            requester.Tell(WorkerCore.Failure(new ConflictException($"Connector {name} is being reconfigured; try again in a moment")));
        }
    }

    private static ConflictException NotLoaded(ConnectorEntry e) => new(
        $"Connector {e.Name} could not be started from the config store ({e.LoadError?.Message}); fix its config with PUT /connectors/{e.Name}/config or delete it");
}
