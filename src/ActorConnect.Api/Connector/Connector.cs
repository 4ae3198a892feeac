using ActorConnect.Api.Config;

namespace ActorConnect.Api.Connector;

/// <summary>
/// A connector describes a job (which data to copy) and splits it into task configurations; it copies no data itself.
/// Lifecycle, all calls from one runtime thread: <see cref="Initialize"/>, <see cref="Start"/>, <see cref="TaskConfigs"/>
/// (again after every <see cref="IConnectorContext.RequestTaskReconfiguration"/>), <see cref="Stop"/>.
/// A connector may be created just to call <see cref="Config"/>, <see cref="Validate"/> and <see cref="Version"/>.
/// Implementations need a public parameterless constructor.
/// </summary>
public abstract class Connector
{
    /// <summary>The context given by <see cref="Initialize"/>.</summary>
    protected IConnectorContext Context { get; private set; } = null!;

    /// <summary>The connector's version, shown by the REST API.</summary>
    public abstract string Version { get; }

    /// <summary>The task implementation this connector's task configs are for.</summary>
    public abstract Type TaskType { get; }

    /// <summary>The definition of this connector's own config keys (the runtime adds the common ones).</summary>
    public abstract ConfigDef Config();

    /// <summary>Called once before <see cref="Start"/>.</summary>
    public virtual void Initialize(IConnectorContext context) => Context = context;

    /// <summary>Starts the connector with its configuration; throw <see cref="Errors.ConfigException"/> for a bad one.</summary>
    public abstract void Start(IReadOnlyDictionary<string, string> props);

    /// <summary>Returns at most <paramref name="maxTasks"/> task configurations; one task is started per entry.</summary>
    public abstract IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks);

    /// <summary>Stops the connector and anything it started (monitoring threads).</summary>
    public abstract void Stop();

    /// <summary>Validates a configuration without starting; the default checks it against <see cref="Config"/>.</summary>
    public virtual IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> props) => Config().Validate(props);
}

/// <summary>A connector that imports data from another system into Kafka; its tasks are <see cref="Source.SourceTask"/>s.</summary>
public abstract class SourceConnector : Connector
{
    /// <summary>
    /// Called when a user changes this connector's offsets (REST <c>PATCH</c> or <c>DELETE /connectors/{name}/offsets</c>)
    /// while it is STOPPED, before the runtime stores them; a null offset resets its partition. Override it when the
    /// connector also keeps offsets outside Kafka Connect's store, or to refuse offsets it cannot use by throwing
    /// <see cref="Errors.ConnectException"/> with the reason.
    /// </summary>
    /// <returns>True when the connector handled its external offsets too; the default (false) says the runtime changed only its own.</returns>
    public virtual bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> offsets) => false;
}

/// <summary>A connector that exports data from Kafka into another system; its tasks are <see cref="Sink.SinkTask"/>s.</summary>
public abstract class SinkConnector : Connector
{
    /// <summary>The key listing the topics to consume (comma-separated).</summary>
    public const string TopicsConfig = "topics";

    /// <summary>The key giving a regex of topics to consume.</summary>
    public const string TopicsRegexConfig = "topics.regex";

    /// <summary>
    /// Called when a user changes this connector's consumer offsets while it is STOPPED, before the runtime commits
    /// them; keys are topic-partitions, a null value resets that partition. Override it when the sink also keeps
    /// offsets in the target system.
    /// </summary>
    /// <returns>True when the connector handled its external offsets too; the default (false) says the runtime changed only the consumer group's.</returns>
    public virtual bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<Sink.TopicPartition, long?> offsets) => false;
}
