using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// Restarts asked for by a user, kept together: one task, or the connector and some of its tasks (Kafka Connect's
/// KIP-745). Restarts after a failure are each task supervisor's own decision.
/// </summary>
public sealed partial class ConnectorSupervisor
{
    private void OnRestartTask(ConnectorProtocol.RestartTask m)
    {
        if (!_tasks.TryGetValue(m.Task, out var task))
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new Api.Errors.NotFoundException($"Task {Name}-{m.Task} not found: connector {Name} has {_tasks.Count} task(s)")));
            return;
        }

        RestartTask(task);
        Sender.Tell(new Akka.Actor.Status.Success(task.Id));
    }

    private void RestartTask(LocalTask task)
    {
        if (task.Supervisor is { } supervisor)
        {
            // The task supervisor starts the new incarnation once the old one has stopped: never two copies at once.
            supervisor.Tell(TaskSupervisorProtocol.Restart.Instance);
            task.Status = task.Status with { State = ConnectState.Restarting };
        }
        else if (!StoppingAll)
        {
            SpawnTask(task);
        }
    }

    /// <summary>
    /// Kafka Connect's restart (KIP-745): the plain form restarts the connector instance and replies when done; with
    /// includeTasks or onlyFailed the reply is the plan (what will restart shows RESTARTING) and the work follows.
    /// </summary>
    private void OnRestart(ConnectorProtocol.Restart m)
    {
        if (_life.Is(Phase.Stopped) || StoppingAll)
        {
            Sender.Tell(new WorkerProtocol.RestartStarted(m.IncludeTasks || m.OnlyFailed ? BuildStatus() : null));
            return;
        }

        if (!m.IncludeTasks && !m.OnlyFailed)
        {
            RestartConnectorInstance();
            Sender.Tell(new WorkerProtocol.RestartStarted(null));
            return;
        }

        var restartConnector = !m.OnlyFailed || _state == ConnectState.Failed;
        var tasks = m.IncludeTasks
            ? _tasks.Values.Where(t => !m.OnlyFailed || t.Status.State == ConnectState.Failed).ToList()
            : [];
        var plan = BuildStatus();
        plan = plan with
        {
            State = restartConnector ? ConnectState.Restarting : plan.State,
            Tasks = plan.Tasks.Select(t => tasks.Any(s => s.Id.Task == t.Id) ? t with { State = ConnectState.Restarting } : t).ToList(),
        };
        Sender.Tell(new WorkerProtocol.RestartStarted(plan));
        _log.Info("Connector {0} restarting: connector {1}, tasks [{2}]", Name, restartConnector ? "yes" : "no", string.Join(",", tasks.Select(t => t.Id.Task)));
        if (restartConnector)
        {
            RestartConnectorInstance();
        }

        foreach (var task in tasks.Where(t => _tasks.TryGetValue(t.Id.Task, out var current) && current == t))
        {
            RestartTask(task);
        }
    }

    private void RestartConnectorInstance()
    {
        StopConnectorInstance();
        try
        {
            _instance = ConnectorInstance.Start(_plugin, _services.Providers.Resolve(_config), Self);
            _life.MoveTo(Phase.Running);
            _state = Paused ? ConnectState.Paused : ConnectState.Running;
            _trace = null;
            _log.Info("Connector {0} restarted", Name);
            ApplyTaskConfigs(GenerateTaskConfigs());
        }
        catch (Exception e)
        {
            FailConnector(e);
        }
    }
}
