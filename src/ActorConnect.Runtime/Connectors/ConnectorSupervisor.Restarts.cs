using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Worker;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// The supervisor's restart decisions, kept together: a failed task restarts after exponential backoff with jitter
/// until it fails too often within the window; a user restarts a task, or the connector and some of its tasks
/// (Kafka Connect's KIP-745).
/// </summary>
public sealed partial class ConnectorSupervisor
{
    private void OnTaskFailure(ConnectorProtocol.TaskFailure m)
    {
        if (_tasks.TryGetValue(m.Id.Task, out var slot))
        {
            slot.PendingFailure = m.Cause;
            slot.Trace = FailureTrace.Render(m.Cause);
            slot.State = ConnectState.Failed;
            _log.Error(m.Cause, "Task {0} failed: {1}", m.Id, FailureTrace.RootCause(m.Cause).Message);
        }
    }

    private void OnTerminated(Terminated t)
    {
        if (!_byActor.Remove(t.ActorRef, out var slot))
        {
            return;
        }

        slot.Actor = null;
        if (StoppingAll)
        {
            slot.State = ConnectState.Unassigned;
            FinishIfAllStopped();
            return;
        }

        if (slot.RestartRequested)
        {
            slot.RestartRequested = false;
            SpawnTask(slot);
            return;
        }

        if (slot.PendingFailure is null)
        {
            return;
        }

        var settings = _services.Settings;
        var failures = slot.RecordFailure(DateTimeOffset.UtcNow, settings.RestartWithin);
        if (failures > settings.RestartMaxFailures)
        {
            slot.State = ConnectState.Failed;
            _log.Error("Task {0} failed {1} times within {2}; it stays FAILED until restarted (POST /connectors/{3}/tasks/{4}/restart). Root cause: {5}",
                slot.Id, failures, settings.RestartWithin, Name, slot.Id.Task, FailureTrace.RootCause(slot.PendingFailure).Message);
            return;
        }

        var delay = RuntimeSettings.Backoff(failures - 1, settings.RestartMinBackoff, settings.RestartMaxBackoff, settings.RestartRandomFactor);
        slot.State = ConnectState.Restarting;
        _log.Warning("Task {0} will restart in {1:N0} ms (failure {2} of at most {3} within {4})", slot.Id, delay.TotalMilliseconds, failures, settings.RestartMaxFailures, settings.RestartWithin);
        Timers.StartSingleTimer($"restart-{slot.Id.Task}", new ConnectorProtocol.RestartAfterBackoff(slot.Id.Task, slot.Generation), delay);
    }

    private void OnRestartAfterBackoff(ConnectorProtocol.RestartAfterBackoff m)
    {
        if (!StoppingAll && _tasks.TryGetValue(m.Task, out var slot) && slot.Generation == m.Generation && slot.Actor is null)
        {
            slot.RestartCount++;
            SpawnTask(slot);
        }
    }

    private void OnRestartTask(ConnectorProtocol.RestartTask m)
    {
        if (!_tasks.TryGetValue(m.Task, out var slot))
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new Api.Errors.NotFoundException($"Task {Name}-{m.Task} not found: connector {Name} has {_tasks.Count} task(s)")));
            return;
        }

        RestartTask(slot);
        Sender.Tell(new Akka.Actor.Status.Success(slot.Id));
    }

    private void RestartTask(TaskSlot slot)
    {
        slot.ResetFailures();
        slot.State = ConnectState.Restarting;
        slot.RestartCount++;
        if (slot.Actor is { } actor)
        {
            // The new incarnation starts only once the old one has stopped: never two copies of one task at once.
            slot.RestartRequested = true;
            slot.Handle?.SignalStop();
            actor.Tell(TaskProtocol.Stop.Instance);
        }
        else if (!StoppingAll)
        {
            SpawnTask(slot);
        }
    }

    /// <summary>
    /// Kafka Connect's restart (KIP-745): the plain form restarts the connector instance and replies when done; with
    /// includeTasks or onlyFailed the reply is the plan (what will restart shows RESTARTING) and the work follows.
    /// </summary>
    private void OnRestart(ConnectorProtocol.Restart m)
    {
        if (_state == ConnectState.Stopped || StoppingAll)
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
            ? _tasks.Values.Where(t => !m.OnlyFailed || t.State == ConnectState.Failed).ToList()
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

        foreach (var slot in tasks.Where(t => _tasks.TryGetValue(t.Id.Task, out var current) && current == t))
        {
            RestartTask(slot);
        }
    }

    private void RestartConnectorInstance()
    {
        StopConnectorInstance();
        try
        {
            _instance = ConnectorInstance.Start(_plugin, _services.Providers.Resolve(_config), Self);
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
