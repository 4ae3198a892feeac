using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;
using static ActorConnect.Cluster.Sharding.ConnectorEntityProtocol;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// What the entity writes for its connector besides the config, and how it has its task entities follow: the
/// connector's status (under its generation), the task configs (the config topic's task-*/commit-* records), refreshes
/// of the task entities, and restarts that include tasks.
/// </summary>
internal sealed partial class ConnectorEntity
{
    private void OnStatusChanged(StatusChanged m)
    {
        if (LeavingForGood || m.Status.Name != _name)
        {
            return;
        }

        WriteStatus(m.Status);
    }

    /// <summary>The connector's own record only: each task entity writes its task's.</summary>
    private void WriteStatus(ConnectorStatus status)
    {
        var (log, name) = (Log, _name);
        _cluster.Statuses.PutAsync(new StatusRecord(_name, null, status.State, status.WorkerId, _generation, status.Trace))
            .ContinueWith(t => log.Warning("Connector {0}: writing its status failed: {1}", name, t.Exception?.GetBaseException().Message),
                TaskContinuationOptions.OnlyOnFaulted);
    }

    /// <summary>
    /// The supervisor's task configs: written to the config topic when they differ from its (blocking until the topic
    /// has them, so off the mailbox), then every task entity told to refresh. A refresh also follows unchanged task
    /// configs: a new connector config (converters, transforms) restarts the tasks even when their own configs stay.
    /// </summary>
    private void OnTaskConfigsGenerated(ConnectorProtocol.TaskConfigsGenerated m)
    {
        if (LeavingForGood || !Equals(Sender, Supervisor))
        {
            return;
        }

        var (store, name, log) = (_cluster.Configs, _name, Log);
        if (ConnectorInstance.SameConfigs(store.TaskConfigs(name), m.Configs))
        {
            RefreshTasks(null);
            return;
        }

        Task.Run(() => store.PutTaskConfigs(name, m.Configs)).PipeTo(
            Self,
            success: () => TaskConfigsWritten.Instance,
            failure: e =>
            {
                log.Warning("Connector {0}: writing its task configs failed: {1}", name, e.GetBaseException().Message);
                return TaskConfigsWritten.Instance;
            });
    }

    /// <summary>
    /// Tells every task entity of the connector to refresh: those of its current task configs, and any other a status
    /// record still names (a task of an earlier, larger set). With <paramref name="then"/>, waits for their replies first.
    /// </summary>
    private void RefreshTasks(AfterTasks? then)
    {
        var region = _cluster.TaskRegion(Context.System);
        var count = _cluster.Configs.TaskConfigs(_name).Count;
        var tasks = Enumerable.Range(0, count).Union(_cluster.Statuses.Tasks(_name).Select(t => t.Task!.Value)).ToList();
        if (then is null)
        {
            foreach (var task in tasks)
            {
                region.Tell(new TaskEntityProtocol.Envelope(_name, task, TaskEntityProtocol.Refresh.Instance));
            }

            return;
        }

        var timeout = _cluster.Tasks.Worker.TaskShutdownTimeout + _cluster.Settings.EntityAskTimeout;
        Task.WhenAll(tasks.Select(task => region.Ask<TaskEntityProtocol.Applied>(new TaskEntityProtocol.Envelope(_name, task, TaskEntityProtocol.Refresh.Instance), timeout)))
            .PipeTo(Self, success: _ => new TasksRefreshed(then), failure: _ => new TasksRefreshed(then));
    }

    /// <summary>
    /// Kafka Connect's restart (KIP-745) with the tasks elsewhere: the plain form restarts the connector alone (its
    /// supervisor replies); otherwise the plan comes from the status topic, the connector restarts here and each
    /// chosen task on its own node.
    /// </summary>
    private void OnRestart(IActorRef supervisor, Restart m)
    {
        if (!m.IncludeTasks && !m.OnlyFailed)
        {
            supervisor.Forward(new ConnectorProtocol.Restart(false, false));
            return;
        }

        var connector = _cluster.Statuses.Connector(_name);
        var tasks = _cluster.Statuses.Tasks(_name).Select(t => t.ToTaskStatus()).ToList();
        var restartConnector = !m.OnlyFailed || connector?.State == ConnectState.Failed;
        var restartTasks = m.IncludeTasks ? tasks.Where(t => !m.OnlyFailed || t.State == ConnectState.Failed).Select(t => t.Id).ToHashSet() : [];
        var plan = new ConnectorStatus(
            _name,
            restartConnector ? ConnectState.Restarting : connector?.State ?? ConnectState.Unassigned,
            connector?.WorkerId ?? _cluster.Tasks.WorkerId,
            _running?.Config is { } config && _cluster.Tasks.Plugins.TryResolve(config.GetValueOrDefault("connector.class") ?? string.Empty) is { } plugin
                ? plugin.IsSource ? "source" : "sink"
                : "unknown",
            connector?.Trace,
            tasks.Select(t => restartTasks.Contains(t.Id) ? t with { State = ConnectState.Restarting } : t).ToList());
        Sender.Tell(new WorkerProtocol.RestartStarted(plan));
        Log.Info("Connector {0} restarting: connector {1}, tasks [{2}]", _name, restartConnector ? "yes" : "no", string.Join(",", restartTasks.Order()));
        if (restartConnector)
        {
            supervisor.Tell(new ConnectorProtocol.Restart(false, false));
        }

        var region = _cluster.TaskRegion(Context.System);
        foreach (var task in restartTasks)
        {
            region.Tell(new TaskEntityProtocol.Envelope(_name, task, TaskEntityProtocol.Restart.Instance));
        }
    }

    private void DeleteStatuses()
    {
        var name = _name;
        _cluster.Statuses.DeleteAsync(name).PipeTo(Self, success: () => StatusesDeleted.Instance, failure: _ => StatusesDeleted.Instance);
    }
}
