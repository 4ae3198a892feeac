using ActorConnect.Runtime.Model;

namespace ActorConnect.Runtime.Connectors;

/// <summary>
/// What a task supervisor understands, and what it tells its parent (a connector supervisor in standalone mode, a
/// task entity in distributed mode).
/// </summary>
public static class TaskSupervisorProtocol
{
    /// <summary>Command: pause or resume the task.</summary>
    public sealed record SetPaused(bool Paused);

    /// <summary>Command: restart the task by hand (its failure count starts again); replies <c>Status.Success</c>.</summary>
    public sealed record Restart
    {
        public static readonly Restart Instance = new();
    }

    /// <summary>Command: stop the task cleanly (offsets flushed), then the supervisor itself.</summary>
    public sealed record Stop
    {
        public static readonly Stop Instance = new();
    }

    /// <summary>Query: replies the task's <see cref="ConnectorTaskStatus"/>.</summary>
    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    /// <summary>To the parent, on every change of the task's status.</summary>
    public sealed record StatusChanged(ConnectorTaskStatus Status);

    /// <summary>Internal: a failed task's backoff is over.</summary>
    internal sealed record RestartAfterBackoff(int Generation) : Akka.Event.IDeadLetterSuppression;

    /// <summary>Internal: a task failure the decider saw, handled once the task actor has terminated.</summary>
    internal sealed record TaskFailure(Exception Cause);
}
