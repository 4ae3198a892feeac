using System.Reflection;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Change data capture from PostgreSQL with Debezium's connector class name, keys, records and offsets: it streams
/// the committed inserts, updates and deletes of a database from a logical replication slot (pgoutput) into one topic
/// per table. One task, as Debezium's: a slot has one reader.
/// </summary>
public sealed class PostgresConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    /// <summary>The names users may write in <c>connector.class</c>, including Debezium's class name.</summary>
    public static IReadOnlyList<string> Aliases { get; } = ["io.debezium.connector.postgresql.PostgresConnector", "PostgresConnector"];

    /// <summary>This assembly's version, reported by the connector, its task and every record's <c>source.version</c>.</summary>
    internal static string AssemblyVersion { get; } =
        typeof(PostgresConnector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <inheritdoc />
    public override string Version => AssemblyVersion;

    /// <inheritdoc />
    public override Type TaskType => typeof(PostgresSourceTask);

    /// <inheritdoc />
    public override ConfigDef Config() => PostgresConnectorConfig.Definition();

    /// <summary>Per-key validation, then the rules spanning keys (exclusive lists) reported on the key at fault.</summary>
    public override IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> props)
    {
        var values = Config().Validate(props).ToList();
        if (values.Any(v => v.Errors.Count > 0))
        {
            return values;
        }

        try
        {
            PostgresConnectorConfig.Parse(props);
        }
        catch (ConfigException e)
        {
            var index = values.FindIndex(v => v.Name == e.Name);
            if (index >= 0)
            {
                values[index] = values[index].WithError(e.Message);
            }
        }

        return values;
    }

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        PostgresConnectorConfig.Parse(props);
        _props = new Dictionary<string, string>(props);
    }

    /// <summary>Exactly one task, whatever <c>tasks.max</c> says: a replication slot has one reader.</summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [new Dictionary<string, string>(_props)];

    /// <summary>Refuses offsets the task could not resume from; a reset (null) is always allowed.</summary>
    /// <exception cref="ConnectException">An offset without a numeric <c>lsn</c>.</exception>
    public override bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var offset in offsets.Values)
        {
            CdcOffset.FromMap(offset);
        }

        // The slot is not moved: a stored offset ahead of it skips what it already delivered, one behind it cannot be replayed.
        return true;
    }

    /// <inheritdoc />
    public override void Stop()
    {
    }
}
