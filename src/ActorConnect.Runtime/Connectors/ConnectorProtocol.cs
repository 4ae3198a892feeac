using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Runtime.Connectors;

/// <summary>Messages a connector supervisor understands (from the worker and from its connector's context).</summary>
public static class ConnectorProtocol
{
    /// <summary>Query: reply with the connector's <see cref="Model.ConnectorStatus"/>.</summary>
    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    /// <summary>Query: reply with one task's <see cref="Model.ConnectorTaskStatus"/>, or a NotFoundException.</summary>
    public sealed record GetTaskStatus(int Task);

    /// <summary>Query: reply with the task configurations now in use, an <c>IReadOnlyList&lt;TaskInfo&gt;</c>.</summary>
    public sealed record GetTaskConfigs
    {
        public static readonly GetTaskConfigs Instance = new();
    }

    /// <summary>Command: ask the connector for task configs again and re-create the tasks if they changed.</summary>
    public sealed record Reconfigure
    {
        public static readonly Reconfigure Instance = new();
    }

    /// <summary>Command: the connector raised an error through its context.</summary>
    public sealed record RaiseError(Exception Error);

    /// <summary>Command: run, pause or stop; replies <see cref="TargetStateApplied"/> once every task has followed.</summary>
    public sealed record SetTargetState(TargetState State);

    /// <summary>Reply to <see cref="SetTargetState"/>.</summary>
    public sealed record TargetStateApplied(TargetState State);

    /// <summary>Command: restart one task now (by hand), resetting its failure count.</summary>
    public sealed record RestartTask(int Task);

    /// <summary>Command: restart the connector and maybe its tasks (KIP-745); replies <see cref="WorkerProtocol.RestartStarted"/>.</summary>
    public sealed record Restart(bool IncludeTasks, bool OnlyFailed);

    /// <summary>Supervisor to worker: a task used a topic for the first time since the connector started.</summary>
    public sealed record TopicUsed(string Connector, string Topic) : Wire.IClusterMessage;

    /// <summary>Command: stop every task cleanly, then the connector; the supervisor stops itself when done.</summary>
    public sealed record Shutdown
    {
        public static readonly Shutdown Instance = new();
    }

    /// <summary>
    /// Supervisor to parent, when the tasks run elsewhere (distributed mode): the connector's task configs now, on
    /// start and whenever they change; empty when the connector is stopped.
    /// </summary>
    public sealed record TaskConfigsGenerated(string Connector, IReadOnlyList<IReadOnlyDictionary<string, string>> Configs);
}
