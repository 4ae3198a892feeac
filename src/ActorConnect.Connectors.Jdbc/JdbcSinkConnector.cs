using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Writes Kafka records into PostgreSQL tables with kafka-connect-jdbc's configuration keys and behaviour: insert,
/// upsert (ON CONFLICT) or update; primary keys from the Kafka coordinates, the record key or the value;
/// <c>auto.create</c>/<c>auto.evolve</c>; tombstones as deletes. Records need schemas (a Struct value).
/// </summary>
public sealed class JdbcSinkConnector : SinkConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    /// <summary>The names users may write in <c>connector.class</c>, including kafka-connect-jdbc's class name.</summary>
    public static IReadOnlyList<string> Aliases { get; } =
        ["JdbcSinkConnector", "JdbcSink", "io.confluent.connect.jdbc.JdbcSinkConnector"];

    /// <inheritdoc />
    public override string Version => JdbcConnectorVersion.Value;

    /// <inheritdoc />
    public override Type TaskType => typeof(JdbcSinkTask);

    /// <summary>The configuration definition (a new instance on every call).</summary>
    public static ConfigDef ConfigDefinition() => JdbcSinkConfig.Definition();

    /// <inheritdoc />
    public override ConfigDef Config() => ConfigDefinition();

    /// <inheritdoc />
    public override IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> props) =>
        ConfigValidation.Validate(Config(), props, p => JdbcSinkConfig.Parse(p), JdbcSinkConfig.PkMode);

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        JdbcSinkConfig.Parse(props);
        _props = new Dictionary<string, string>(props);
    }

    /// <summary>Returns <paramref name="maxTasks"/> identical task configurations; the consumer group spreads the partitions.</summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, Math.Max(0, maxTasks)).Select(_ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_props)).ToList();

    /// <inheritdoc />
    public override void Stop()
    {
        // Nothing runs in the background.
    }
}
