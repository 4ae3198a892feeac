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
}

/// <summary>A connector that exports data from Kafka into another system; its tasks are <see cref="Sink.SinkTask"/>s.</summary>
public abstract class SinkConnector : Connector
{
    /// <summary>The key listing the topics to consume (comma-separated).</summary>
    public const string TopicsConfig = "topics";

    /// <summary>The key giving a regex of topics to consume.</summary>
    public const string TopicsRegexConfig = "topics.regex";
}
