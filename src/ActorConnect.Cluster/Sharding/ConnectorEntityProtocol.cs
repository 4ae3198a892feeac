using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Wire;
using ActorConnect.Runtime.Worker;
using Akka.Cluster.Sharding;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// What a connector's entity understands. Everything reaches it through the shard region in an
/// <see cref="Envelope"/>, so it may live on any node; replies go straight back to the asker.
/// </summary>
public static class ConnectorEntityProtocol
{
    /// <summary>A message for the entity of <paramref name="Connector"/> (entity id = connector name).</summary>
    public sealed record Envelope(string Connector, object Message) : IClusterMessage;

    /// <summary>
    /// Command: read the connector's config and target state from the config topic (up to its end) and make the
    /// running connector match: start it, restart it with a new config, change its target state, or stop it for good
    /// when deleted. Replies <see cref="Applied"/> once done.
    /// </summary>
    public sealed record Refresh : IClusterMessage
    {
        public static readonly Refresh Instance = new();
    }

    /// <summary>Reply to <see cref="Refresh"/>: the state now applied; null when the connector is deleted and its tasks have stopped.</summary>
    public sealed record Applied(string Connector, TargetState? Target) : IClusterMessage;

    /// <summary>
    /// Command without reply, from the reconciler: delivering it starts the entity if it is not running anywhere
    /// (first start, or its node was lost); a running entity ignores it.
    /// </summary>
    public sealed record EnsureRunning : IClusterMessage
    {
        public static readonly EnsureRunning Instance = new();
    }

    /// <summary>Command: KIP-745 restart; replies <see cref="WorkerProtocol.RestartStarted"/>.</summary>
    public sealed record Restart(bool IncludeTasks, bool OnlyFailed) : IClusterMessage;

    /// <summary>Query: replies <see cref="WorkerProtocol.ActiveTopics"/> (the topics used since this entity started).</summary>
    public sealed record GetActiveTopics : IClusterMessage
    {
        public static readonly GetActiveTopics Instance = new();
    }

    /// <summary>Command: forget the active topics; replies <c>Status.Success</c>.</summary>
    public sealed record ResetActiveTopics : IClusterMessage
    {
        public static readonly ResetActiveTopics Instance = new();
    }

    /// <summary>
    /// Sharding's hand-off and passivation message: stop the tasks cleanly (offsets flushed), then the entity, so the
    /// connector can start on another node.
    /// </summary>
    public sealed record Stop : IClusterMessage
    {
        public static readonly Stop Instance = new();
    }

    /// <summary>Internal, from the status listener: the supervisor's status changed.</summary>
    internal sealed record StatusChanged(Runtime.Model.ConnectorStatus Status);

    /// <summary>Internal: what the config topic holds for the connector, validated off the mailbox.</summary>
    internal sealed record Loaded(StoredConnector? Stored, Runtime.Config.ConnectorConfig? Config, Runtime.Plugins.ConnectorPlugin? Plugin, Exception? Error, long Generation);

    /// <summary>
    /// Routes envelopes by connector name. The shard is a hash every node computes alike (string.GetHashCode differs
    /// between processes in .NET, which would place one connector in two shards on two nodes).
    /// </summary>
    internal sealed class MessageExtractor(int shards) : IMessageExtractor
    {
        public string? EntityId(object message) => (message as Envelope)?.Connector;

        public object? EntityMessage(object message) => (message as Envelope)?.Message ?? message;

        public string? ShardId(object message) => message switch
        {
            Envelope e => ShardOf(e.Connector),
            _ => null,
        };

        public string ShardId(string entityId, object? messageHint = null) => ShardOf(entityId);

        private string ShardOf(string entityId)
        {
            // FNV-1a over the UTF-8 bytes: stable across processes, versions and machines.
            var hash = 2166136261u;
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(entityId))
            {
                hash = (hash ^ b) * 16777619u;
            }

            return (hash % (uint)shards).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
