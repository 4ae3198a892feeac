using ActorConnect.Runtime.Model;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// What the worker actor answers: commands change connectors, queries read them. Every failure replies with
/// <c>Status.Failure</c> carrying a ConnectException whose type says what went wrong: NotFoundException (unknown
/// connector or task), AlreadyExistsException, ConfigException or BadRequestException (bad input),
/// ConflictException (an operation in progress), ForbiddenException (switched off by config).
/// </summary>
public static class WorkerProtocol
{
    /// <summary>Command: validate, store and start a connector in <paramref name="InitialState"/>. Replies <see cref="ConnectorInfo"/>.</summary>
    public sealed record CreateConnector(IReadOnlyDictionary<string, string> Config, TargetState InitialState = TargetState.Started);

    /// <summary>Command: create a connector or replace its config (PUT .../config). Replies <see cref="ConfigPut"/>.</summary>
    public sealed record PutConnectorConfig(string Name, IReadOnlyDictionary<string, string> Config);

    /// <summary>Reply to <see cref="PutConnectorConfig"/>: whether it created the connector.</summary>
    public sealed record ConfigPut(bool Created, ConnectorInfo Info);

    /// <summary>Command: change some keys of an existing connector's config; a null value removes the key. Replies <see cref="ConnectorInfo"/>.</summary>
    public sealed record PatchConnectorConfig(string Name, IReadOnlyDictionary<string, string?> Patch);

    /// <summary>Query: replies <see cref="ConnectorInfo"/>.</summary>
    public sealed record GetConnectorInfo(string Name);

    /// <summary>Query: replies the config as given (placeholders unresolved), an <c>IReadOnlyDictionary&lt;string, string&gt;</c>.</summary>
    public sealed record GetConnectorConfig(string Name);

    /// <summary>Query: replies the tasks' configs, an <c>IReadOnlyList&lt;TaskInfo&gt;</c>.</summary>
    public sealed record GetTaskConfigs(string Name);

    /// <summary>Command: stop a connector cleanly and forget it (its source offsets stay). Replies <see cref="ConnectorDeleted"/> once its tasks have stopped.</summary>
    public sealed record DeleteConnector(string Name);

    public sealed record ConnectorDeleted(string Name);

    /// <summary>Command: run, pause or stop a connector; stored so it survives a restart. Replies <see cref="TargetStateSet"/> once applied.</summary>
    public sealed record SetTargetState(string Name, TargetState State);

    public sealed record TargetStateSet(string Name, TargetState State);

    /// <summary>
    /// Command: restart a connector and, with <paramref name="IncludeTasks"/>, its tasks; with
    /// <paramref name="OnlyFailed"/> only the FAILED ones (Kafka Connect's KIP-745). Replies <see cref="RestartStarted"/>.
    /// </summary>
    public sealed record RestartConnector(string Name, bool IncludeTasks = false, bool OnlyFailed = false);

    /// <summary>
    /// Reply to <see cref="RestartConnector"/>. <paramref name="Plan"/> is null for the plain connector restart (REST
    /// 204, done when replied); otherwise the status in which every instance being restarted shows RESTARTING (REST 202).
    /// </summary>
    public sealed record RestartStarted(ConnectorStatus? Plan) : Wire.IClusterMessage;

    /// <summary>Command: restart one task by hand, resetting its failure count. Replies <c>Status.Success</c>.</summary>
    public sealed record RestartTask(string Name, int Task);

    /// <summary>Query: one connector's status (<see cref="ConnectorStatus"/>).</summary>
    public sealed record GetConnectorStatus(string Name);

    /// <summary>Query: one task's status (<see cref="ConnectorTaskStatus"/>).</summary>
    public sealed record GetTaskStatus(string Name, int Task);

    /// <summary>Query: the names of every connector, a sorted <c>List&lt;string&gt;</c>.</summary>
    public sealed record ListConnectors
    {
        public static readonly ListConnectors Instance = new();
    }

    /// <summary>Query: every connector's status, a <c>List&lt;ConnectorStatus&gt;</c> sorted by name.</summary>
    public sealed record GetAllStatus
    {
        public static readonly GetAllStatus Instance = new();
    }

    /// <summary>
    /// Query: this worker's metrics in Prometheus' text format (<c>GET /metrics</c>), the worker gauges set from the
    /// statuses at that moment. Replies <see cref="MetricsText"/>.
    /// </summary>
    public sealed record GetMetrics
    {
        public static readonly GetMetrics Instance = new();
    }

    /// <summary>Reply to <see cref="GetMetrics"/>: Prometheus' text format (version 0.0.4).</summary>
    public sealed record MetricsText(string Text);

    /// <summary>Query: the topics a connector has used since created or last reset. Replies <see cref="ActiveTopics"/>.</summary>
    public sealed record GetActiveTopics(string Name);

    public sealed record ActiveTopics(string Name, IReadOnlyList<string> Topics) : Wire.IClusterMessage;

    /// <summary>Command: forget a connector's active topics. Replies <c>Status.Success</c>; ForbiddenException when tracking or reset is off.</summary>
    public sealed record ResetActiveTopics(string Name);

    /// <summary>Query: a connector's committed offsets. Replies <see cref="ConnectorOffsets"/>.</summary>
    public sealed record GetOffsets(string Name);

    public sealed record ConnectorOffsets(IReadOnlyList<ConnectorOffset> Offsets);

    /// <summary>Command: change some offsets of a STOPPED connector. Replies <see cref="OffsetsChanged"/>; BadRequestException unless STOPPED.</summary>
    public sealed record AlterOffsets(string Name, IReadOnlyList<ConnectorOffset> Offsets);

    /// <summary>Command: forget every offset of a STOPPED connector. Replies <see cref="OffsetsChanged"/>; BadRequestException unless STOPPED.</summary>
    public sealed record ResetOffsets(string Name);

    /// <summary>Reply to offset changes, with Kafka Connect's message.</summary>
    public sealed record OffsetsChanged(string Message);

    /// <summary>
    /// Query: validate a config against a plugin's ConfigDef and the common groups. Replies <see cref="ConfigInfos"/>
    /// (also when it has errors); NotFoundException for an unknown plugin, naming the nearest known ones.
    /// </summary>
    public sealed record ValidateConfig(string Plugin, IReadOnlyDictionary<string, string> Config);

    /// <summary>Query: the installed plugins, an <c>IReadOnlyList&lt;PluginInfo&gt;</c>; only connectors unless <paramref name="ConnectorsOnly"/> is false.</summary>
    public sealed record ListPlugins(bool ConnectorsOnly = true);

    /// <summary>Query: one plugin's config keys, an <c>IReadOnlyList&lt;ConfigKeyInfo&gt;</c>.</summary>
    public sealed record GetPluginConfig(string Plugin);

    /// <summary>Query: replies <see cref="WorkerInfo"/>.</summary>
    public sealed record GetWorkerInfo
    {
        public static readonly GetWorkerInfo Instance = new();
    }

    /// <summary>Query: replies <see cref="Healthy"/> once the worker has started and its mailbox answers.</summary>
    public sealed record GetHealth
    {
        public static readonly GetHealth Instance = new();
    }

    /// <summary>The worker answers; <paramref name="KafkaProblem"/> says why it cannot reach Kafka, when it cannot.</summary>
    public sealed record Healthy(string? KafkaProblem)
    {
        public static readonly Healthy Instance = new((string?)null);

        /// <summary>Why this worker runs no connector or task although Kafka is reachable (distributed mode: not in its group's cluster yet, or standing down).</summary>
        public string? RunsNothing { get; init; }

        /// <summary>True when <see cref="RunsNothing"/> is a step of the worker's start (finding or joining its cluster), false when it needs an operator.</summary>
        public bool Starting { get; init; }

        /// <summary>What the worker's services say of its reach to Kafka now.</summary>
        public static Healthy Of(Tasks.TaskServices services) =>
            services.Connectivity?.State.Describe(services.Worker.BootstrapServersValue) is { } problem ? new Healthy(problem) : Instance;
    }

    /// <summary>
    /// Command: set a logger's level on every worker of the cluster (<c>PUT /admin/loggers/{name}?scope=cluster</c>,
    /// Kafka Connect's KIP-976). Replies <see cref="ClusterLoggerLevelSet"/> once applied on this worker and sent to
    /// the others, which apply it as it reaches them.
    /// </summary>
    public sealed record SetClusterLoggerLevel(string Name, string Level);

    /// <summary>Reply to <see cref="SetClusterLoggerLevel"/>.</summary>
    public sealed record ClusterLoggerLevelSet(string Name, string Level);

    /// <summary>From another worker of the cluster: apply a level set there with cluster scope. No reply.</summary>
    public sealed record ApplyLoggerLevel(string Name, string Level) : Wire.IClusterMessage;

    /// <summary>From the host, once: the log levels of this process, which levels set with cluster scope change. No reply.</summary>
    public sealed record UseLogLevels(Logging.ILogLevels Levels);

    /// <summary>Command: stop every connector cleanly; replies <see cref="ShutdownComplete"/>.</summary>
    public sealed record Shutdown
    {
        public static readonly Shutdown Instance = new();
    }

    public sealed record ShutdownComplete
    {
        public static readonly ShutdownComplete Instance = new();
    }
}
