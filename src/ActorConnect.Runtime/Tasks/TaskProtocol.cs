using ActorConnect.Runtime.Model;

namespace ActorConnect.Runtime.Tasks;

/// <summary>Messages between a connector supervisor and its task actors.</summary>
public static class TaskProtocol
{
    /// <summary>Child to parent: the task's state changed (RUNNING once started; a retriable problem in LastError).</summary>
    public sealed record StateChanged(ConnectorTaskId Id, ConnectState State, string? LastError = null);

    /// <summary>Parent to child: stop cleanly (flush offsets, commit, close), then stop the actor.</summary>
    public sealed record Stop
    {
        public static readonly Stop Instance = new();
    }

    /// <summary>Child to parent: the task wrote to or read from a topic it had not reported before.</summary>
    public sealed record TopicUsed(string Topic);

    /// <summary>Parent to child: pause or resume processing.</summary>
    public sealed record SetPaused(bool Paused);

    /// <summary>Self: a periodic offset flush/commit.</summary>
    internal sealed record FlushTick : Akka.Event.IDeadLetterSuppression
    {
        public static readonly FlushTick Instance = new();
    }
}
