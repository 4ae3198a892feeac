using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;
using static ActorConnect.Cluster.Sharding.ConnectorEntityProtocol;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// What the entity writes for its connector besides the config: statuses (under its generation, the records of tasks
/// that no longer exist deleted) and task configs (the config topic's task-*/commit-* records), off the mailbox.
/// </summary>
internal sealed partial class ConnectorEntity
{
    private void OnStatusChanged(StatusChanged m)
    {
        if (_deleted || m.Status.Name != _name)
        {
            return;
        }

        WriteStatus(m.Status);
        // Every status change may come with new task configs (a reconfiguration keeps the task count): compared, and
        // written only when they differ from the topic's.
        _supervisor?.Ask<IReadOnlyList<TaskInfo>>(ConnectorProtocol.GetTaskConfigs.Instance, _cluster.Settings.EntityAskTimeout)
            .PipeTo(Self, success: tasks => new TaskConfigsNow(tasks), failure: _ => new TaskConfigsNow(null));
    }

    private void WriteStatus(ConnectorStatus status)
    {
        var statuses = _cluster.Statuses;
        var writes = new List<Task> { statuses.PutAsync(new StatusRecord(_name, null, status.State, status.WorkerId, _generation, status.Trace)) };
        writes.AddRange(status.Tasks.Select(t =>
            statuses.PutAsync(new StatusRecord(_name, t.Id, t.State, t.WorkerId, _generation, t.Trace, t.RestartCount, t.LastFailure, t.LastError))));
        var current = status.Tasks.Select(t => t.Id).ToHashSet();
        writes.AddRange(statuses.Tasks(_name).Where(r => r.Task is { } id && !current.Contains(id)).Select(r => statuses.DeleteTaskAsync(_name, r.Task!.Value)));
        var (log, name) = (_log, _name);
        Task.WhenAll(writes).ContinueWith(t => log.Warning("Connector {0}: writing its status failed: {1}", name, t.Exception?.GetBaseException().Message),
            TaskContinuationOptions.OnlyOnFaulted);
    }

    private void OnTaskConfigs(TaskConfigsNow m)
    {
        if (m.Tasks is null)
        {
            // The supervisor did not answer: nothing is written; the next status change asks again.
            return;
        }

        var configs = m.Tasks.OrderBy(t => t.Id.Task).Select(t => t.Config).ToList();
        var (store, name, log) = (_cluster.Configs, _name, _log);
        if (_deleted || ConnectorInstance.SameConfigs(store.TaskConfigs(name), configs))
        {
            return;
        }

        // Blocks until the config topic has them: off the mailbox.
        Task.Run(() => store.PutTaskConfigs(name, configs))
            .ContinueWith(t => log.Warning("Connector {0}: writing its task configs failed: {1}", name, t.Exception?.GetBaseException().Message),
                TaskContinuationOptions.OnlyOnFaulted);
    }

    private void DeleteStatuses()
    {
        var name = _name;
        _cluster.Statuses.DeleteAsync(name).PipeTo(Self, success: () => StatusesDeleted.Instance, failure: _ => StatusesDeleted.Instance);
    }
}
