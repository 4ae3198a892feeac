using System.Text.Json;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Copies PostgreSQL tables (or the result of a query) into Kafka, one topic per table (<c>topic.prefix</c> + table
/// name), with kafka-connect-jdbc's configuration keys, modes and offsets, so its connector configs and stored offsets
/// carry over. The tables are spread over at most <c>tasks.max</c> tasks; every <c>table.poll.interval.ms</c> the
/// connector lists the tables again and asks for new task configs when the list changed.
/// </summary>
public sealed class JdbcSourceConnector : SourceConnector
{
    private readonly object _sync = new();
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();
    private JdbcSourceConfig? _config;
    private IReadOnlyList<TableId> _tables = [];
    private string? _listingError;
    private Timer? _monitor;
    private int _checking;

    /// <summary>How often the tables are listed again while the database cannot be reached.</summary>
    private const long UnreachableRetryMs = 2000;

    /// <summary>The names users may write in <c>connector.class</c>, including kafka-connect-jdbc's class name.</summary>
    public static IReadOnlyList<string> Aliases { get; } =
        ["JdbcSourceConnector", "JdbcSource", "io.confluent.connect.jdbc.JdbcSourceConnector"];

    /// <inheritdoc />
    public override string Version => JdbcConnectorVersion.Value;

    /// <inheritdoc />
    public override Type TaskType => typeof(JdbcSourceTask);

    /// <summary>The configuration definition (a new instance on every call).</summary>
    public static ConfigDef ConfigDefinition() => JdbcSourceConfig.Definition();

    /// <inheritdoc />
    public override ConfigDef Config() => ConfigDefinition();

    /// <inheritdoc />
    public override IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> props) =>
        ConfigValidation.Validate(Config(), props, p => JdbcSourceConfig.Parse(p), JdbcSourceConfig.Mode);

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _config = JdbcSourceConfig.Parse(props);
        _props = new Dictionary<string, string>(props);
        if (_config.IsQueryMode)
        {
            return;
        }

        try
        {
            _tables = TableLister.List(_config);
        }
        catch (RetriableException e)
        {
            // The database is down: one placeholder task shows why in its status until the monitor reaches the
            // database, and a reconfiguration then starts the real tasks.
            _tables = [];
            _listingError = e.Message;
        }

        var period = _listingError is null ? _config.TablePollIntervalMs : Math.Min(_config.TablePollIntervalMs, UnreachableRetryMs);
        _monitor = new Timer(_ => CheckTables(), null, period, period);
    }

    /// <summary>
    /// One task in query mode; otherwise the tables split into at most <paramref name="maxTasks"/> contiguous groups
    /// (kafka-connect-jdbc's grouping), none when there is no table yet.
    /// </summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks)
    {
        if (_config is { IsQueryMode: true })
        {
            return [new Dictionary<string, string>(_props)];
        }

        IReadOnlyList<TableId> tables;
        string? listingError;
        lock (_sync)
        {
            tables = _tables;
            listingError = _listingError;
        }

        if (listingError is not null)
        {
            return [new Dictionary<string, string>(_props) { [JdbcSourceConfig.TasksTables] = "[]", [JdbcSourceConfig.TasksUnavailable] = listingError }];
        }

        var groups = Math.Min(Math.Max(1, maxTasks), tables.Count);
        var configs = new List<IReadOnlyDictionary<string, string>>(groups);
        var perGroup = groups == 0 ? 0 : tables.Count / groups;
        var extra = groups == 0 ? 0 : tables.Count % groups;
        var start = 0;
        for (var g = 0; g < groups; g++)
        {
            var size = perGroup + (g < extra ? 1 : 0);
            var config = new Dictionary<string, string>(_props)
            {
                [JdbcSourceConfig.TasksTables] = JsonSerializer.Serialize(tables.Skip(start).Take(size).Select(t => t.Fqn).ToArray()),
            };
            configs.Add(config);
            start += size;
        }

        return configs;
    }

    /// <summary>
    /// Refuses offsets the task could not start from (a partition that names no table, a field this connector does
    /// not write, a value that is not a whole number), naming the partition and the field; a null offset (a reset) is
    /// always allowed.
    /// </summary>
    /// <exception cref="ConnectException">An offset the task could not use.</exception>
    public override bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var (partition, offset) in offsets)
        {
            if (offset is not null && SourceOffset.Problem(partition, offset) is { } problem)
            {
                throw new ConnectException(problem);
            }
        }

        // Nothing is kept outside the offset store: the change is complete.
        return true;
    }

    /// <inheritdoc />
    public override void Stop()
    {
        _monitor?.Dispose();
        _monitor = null;
    }

    private void CheckTables()
    {
        // Timer callbacks overlap when a listing outlasts the period (a database slow to refuse): one at a time.
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        try
        {
            CheckTablesOnce();
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private void CheckTablesOnce()
    {
        var config = _config;
        if (config is null)
        {
            return;
        }

        IReadOnlyList<TableId> now;
        try
        {
            now = TableLister.List(config);
        }
        catch (RetriableException e)
        {
            lock (_sync)
            {
                _listingError ??= e.Message;
            }

            _monitor?.Change(Math.Min(config.TablePollIntervalMs, UnreachableRetryMs), Math.Min(config.TablePollIntervalMs, UnreachableRetryMs));
            return;
        }
        catch (ConnectException e)
        {
            Context.RaiseError(e);
            return;
        }

        bool changed;
        lock (_sync)
        {
            changed = _listingError is not null || !now.SequenceEqual(_tables);
            if (_listingError is not null)
            {
                _monitor?.Change(config.TablePollIntervalMs, config.TablePollIntervalMs);
            }

            _listingError = null;
            _tables = now;
        }

        if (changed)
        {
            Context.RequestTaskReconfiguration();
        }
    }
}
