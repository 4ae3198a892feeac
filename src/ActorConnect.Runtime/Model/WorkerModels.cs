namespace ActorConnect.Runtime.Model;

/// <summary>
/// What a user asked a connector to be, kept across restarts (Kafka Connect's TargetState). The status shows what it
/// actually is.
/// </summary>
public enum TargetState
{
    /// <summary>Running (REST <c>initial_state</c> "RUNNING").</summary>
    Started,

    /// <summary>Tasks exist but do not process records.</summary>
    Paused,

    /// <summary>Tasks shut down; the config is kept. Offsets may be changed only in this state.</summary>
    Stopped,
}

/// <summary>A connector's config and tasks (Kafka Connect's ConnectorInfo).</summary>
/// <param name="Name">The connector's name.</param>
/// <param name="Config">The config as the user gave it: config-provider placeholders unresolved.</param>
/// <param name="Tasks">Its tasks' ids (empty when STOPPED).</param>
/// <param name="Type"><c>source</c>, <c>sink</c> or <c>unknown</c>.</param>
public sealed record ConnectorInfo(string Name, IReadOnlyDictionary<string, string> Config, IReadOnlyList<ConnectorTaskId> Tasks, string Type);

/// <summary>One task's id and config (Kafka Connect's TaskInfo).</summary>
public sealed record TaskInfo(ConnectorTaskId Id, IReadOnlyDictionary<string, string> Config);

/// <summary>
/// One partition's offset as the REST API shows it. Sources: the connector's own maps. Sinks: Kafka Connect's fixed
/// shape, partition <c>{"kafka_topic","kafka_partition"}</c> and offset <c>{"kafka_offset"}</c>. A null offset in a
/// change request resets that partition.
/// </summary>
public sealed record ConnectorOffset(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset);

/// <summary>A plugin as <c>GET /connector-plugins</c> lists it.</summary>
/// <param name="Class">Its class name (Kafka Connect's when the plugin mirrors one).</param>
/// <param name="Type">source, sink, converter, header_converter, transformation or predicate.</param>
/// <param name="Version">Its version, if it declares one.</param>
public sealed record PluginInfo(string Class, string Type, string? Version);

/// <summary>What <c>GET /</c> shows.</summary>
public sealed record WorkerInfo(string Version, string Commit, string? KafkaClusterId);
