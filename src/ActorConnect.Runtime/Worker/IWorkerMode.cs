using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// What a worker's mode (standalone or distributed) supplies to the <see cref="WorkerCore"/>: where configs, offsets
/// and statuses are stored, where connectors and tasks run, and how a write reaches the running connector. Everything
/// else (checking requests, validating configs, plugins, offsets, loggers, health) the core does the same for both.
/// Every member is called on the worker actor's thread, while the requester is the actor's sender: a <c>void</c>
/// member replies to it itself (a <c>Status.Failure</c> with a ConnectException when it refuses).
/// </summary>
public interface IWorkerMode
{
    /// <summary>The connector of that name, or null when there is none.</summary>
    ConnectorView? Find(string name);

    /// <summary>Every connector, in the order the mode lists them.</summary>
    IReadOnlyList<ConnectorView> All();

    /// <summary>True when a connector of that name exists or is being created, so a create must be refused.</summary>
    bool Exists(string name);

    /// <summary>The connector's status; never fails, a connector that does not answer gets a status that says so.</summary>
    Task<ConnectorStatus> StatusAsync(ConnectorView connector);

    /// <summary>Its tasks' configs (empty when it runs none).</summary>
    Task<IReadOnlyList<TaskInfo>> TaskConfigsAsync(ConnectorView connector);

    /// <summary>Replies one task's <see cref="ConnectorTaskStatus"/>.</summary>
    void GetTaskStatus(ConnectorView connector, int task);

    /// <summary>Replies <see cref="WorkerProtocol.ActiveTopics"/>; topic tracking is on.</summary>
    void GetActiveTopics(ConnectorView connector);

    /// <summary>Forgets the connector's active topics and replies <c>Status.Success</c>; reset is allowed.</summary>
    void ResetActiveTopics(ConnectorView connector);

    /// <summary>Completes when this worker's view of the offsets is current (another worker may have just flushed some).</summary>
    Task BeforeOffsetsReadAsync();

    /// <summary>Completes once the connector's tasks have stopped; fails (a ConnectException) when it cannot confirm it.</summary>
    Task ConfirmStoppedAsync(ConnectorView connector);

    /// <summary>Stores and starts a new, validated connector; replies <see cref="ConnectorInfo"/>.</summary>
    void Create(IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin, TargetState initialState);

    /// <summary>Stores a validated config, creating the connector or replacing its config; replies <see cref="WorkerProtocol.ConfigPut"/>.</summary>
    void Put(string name, IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin);

    /// <summary>Stores a validated, patched config of an existing connector; replies <see cref="ConnectorInfo"/>.</summary>
    void Patch(ConnectorView connector, IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin);

    /// <summary>Forgets the connector once its tasks have stopped; replies <see cref="WorkerProtocol.ConnectorDeleted"/>.</summary>
    void Delete(ConnectorView connector);

    /// <summary>Stores and applies a target state; replies <see cref="WorkerProtocol.TargetStateSet"/> once applied.</summary>
    void SetTargetState(ConnectorView connector, TargetState state);

    /// <summary>Restarts the connector (and tasks, as asked) where it runs; replies <see cref="WorkerProtocol.RestartStarted"/>.</summary>
    void Restart(ConnectorView connector, bool includeTasks, bool onlyFailed);

    /// <summary>Restarts one task where it runs; replies <c>Status.Success</c>.</summary>
    void RestartTask(ConnectorView connector, int task);

    /// <summary>Stops (or hands over) this worker's connectors; replies <see cref="WorkerProtocol.ShutdownComplete"/>.</summary>
    void Shutdown();

    /// <summary>This worker's health, given what its services say of Kafka: the mode adds what it knows.</summary>
    WorkerProtocol.Healthy Health(WorkerProtocol.Healthy healthy);

    /// <summary>Sends a level set with cluster scope to every other worker of the cluster (none in standalone).</summary>
    void SpreadLoggerLevel(WorkerProtocol.ApplyLoggerLevel level);
}
