using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Wire;
using Akka.Cluster.Sharding;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// What a task's entity understands. Everything reaches it through the <c>task</c> shard region in an
/// <see cref="Envelope"/>, so it may live on any node; replies go straight back to the asker.
/// </summary>
public static class TaskEntityProtocol
{
    /// <summary>A message for the entity of task <paramref name="Task"/> of <paramref name="Connector"/> (entity id <c>{connector}/{task}</c>).</summary>
    public sealed record Envelope(string Connector, int Task, object Message) : IClusterMessage
    {
        public string EntityId => $"{Connector}/{Task}";
    }

    /// <summary>
    /// Command: read the config topic (to its end) and make the task match it: start it, restart it with a new task or
    /// connector config, pause or resume it, or stop it for good (its connector deleted or STOPPED, or fewer tasks now).
    /// Replies <see cref="Applied"/> once done.
    /// </summary>
    public sealed record Refresh : IClusterMessage
    {
        public static readonly Refresh Instance = new();
    }

    /// <summary>Reply to <see cref="Refresh"/>: whether the task now runs on the entity's node.</summary>
    public sealed record Applied(string Connector, int Task, bool Running) : IClusterMessage;

    /// <summary>Command without reply, from the reconciler: starts the entity (and so the task) if it runs nowhere.</summary>
    public sealed record EnsureRunning : IClusterMessage
    {
        public static readonly EnsureRunning Instance = new();
    }

    /// <summary>Command: restart the task by hand; replies <c>Status.Success</c>, or a conflict when it does not run.</summary>
    public sealed record Restart : IClusterMessage
    {
        public static readonly Restart Instance = new();
    }

    /// <summary>Sharding's hand-off and passivation message: stop the task cleanly (offsets flushed), then the entity.</summary>
    public sealed record Stop : IClusterMessage
    {
        public static readonly Stop Instance = new();
    }

    /// <summary>The task an entity id names (the connector's name may itself hold a '/').</summary>
    internal static ConnectorTaskId ParseEntityId(string entityId)
    {
        var slash = entityId.LastIndexOf('/');
        return new ConnectorTaskId(entityId[..slash], int.Parse(entityId[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Routes envelopes by task. Each task is its own shard, so the least-shard allocation strategy places and balances
    /// tasks themselves: the count per worker differs by at most one once rebalancing settles.
    /// </summary>
    internal sealed class MessageExtractor : IMessageExtractor
    {
        public string? EntityId(object message) => (message as Envelope)?.EntityId;

        public object? EntityMessage(object message) => (message as Envelope)?.Message ?? message;

        public string? ShardId(object message) => (message as Envelope)?.EntityId;

        public string ShardId(string entityId, object? messageHint = null) => entityId;
    }
}
