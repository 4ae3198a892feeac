using System.Text.Json;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Copies its tables (the task config's <c>tables</c>) or the configured query into Kafka, one
/// <see cref="TableQuerier"/> each, over one connection of its own. Each <see cref="Poll"/> returns at most
/// <c>batch.max.rows</c> rows of one table; with nothing due it waits at most about a second and returns null.
/// An unreachable database makes Poll throw <see cref="RetriableException"/> (the runtime polls again after a
/// backoff, and the task status shows why); the connection is opened again on the next poll and each table's query
/// resumes from the offset of the last record returned.
/// </summary>
public sealed class JdbcSourceTask : SourceTask, ITaskWarnings
{
    private const int MaxIdleWaitMs = 1000;

    private readonly object _sync = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly List<TableQuerier> _queriers = [];
    private JdbcSourceConfig? _config;
    private NpgsqlConnection? _connection;
    private volatile bool _stopping;
    private string? _unavailable;
    private volatile string? _lastWarning;

    /// <inheritdoc />
    public override string Version => JdbcConnectorVersion.Value;

    /// <inheritdoc />
    public string? LastWarning => _lastWarning;

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _config = JdbcSourceConfig.Parse(props);
        if (_config.IsQueryMode)
        {
            _queriers.Add(new TableQuerier(_config, null, Context.OffsetStorageReader, Warn));
            return;
        }

        _unavailable = props.GetValueOrDefault(JdbcSourceConfig.TasksUnavailable);
        var tables = props.TryGetValue(JdbcSourceConfig.TasksTables, out var json) && json.Length > 0
            ? JsonSerializer.Deserialize<string[]>(json) ?? []
            : throw new ConfigException($"The task config has no '{JdbcSourceConfig.TasksTables}': this task was not configured by JdbcSourceConnector.");
        foreach (var fqn in tables)
        {
            _queriers.Add(new TableQuerier(_config, TableId.ParseFqn(fqn), Context.OffsetStorageReader, Warn));
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<SourceRecord>? Poll()
    {
        var config = _config ?? throw new InvalidOperationException("Poll before Start");
        if (_unavailable is not null)
        {
            return WaitForDatabase(config);
        }

        var deadline = Environment.TickCount64 + MaxIdleWaitMs;
        while (!_stopping)
        {
            long wait;
            lock (_sync)
            {
                if (_stopping)
                {
                    return null;
                }

                var now = Environment.TickCount64;
                var next = _queriers.FirstOrDefault(q => q.HasOpenResult) ?? _queriers.MinBy(q => q.NextDue);
                if (next is null)
                {
                    wait = MaxIdleWaitMs;
                }
                else if (next.NextDue <= now || next.HasOpenResult)
                {
                    var records = ReadFrom(next, config);
                    if (records.Count > 0)
                    {
                        return records;
                    }

                    continue;
                }
                else
                {
                    wait = next.NextDue - now;
                }
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                return null;
            }

            _wake.Wait((int)Math.Min(wait, remaining));
        }

        return null;
    }

    /// <inheritdoc />
    public override void Stop()
    {
        _stopping = true;
        _wake.Set();
        foreach (var q in _queriers)
        {
            q.Cancel();
        }

        // A poll in progress finishes its batch first; after that nothing uses the connection.
        if (Monitor.TryEnter(_sync, TimeSpan.FromSeconds(10)))
        {
            try
            {
                CloseAll();
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }
    }

    /// <summary>
    /// The placeholder task of a connector that could not list its tables: reports the database unreachable (a
    /// retriable error, so the status says why) until it answers; the connector then replaces this task.
    /// </summary>
    private IReadOnlyList<SourceRecord>? WaitForDatabase(JdbcSourceConfig config)
    {
        using (PgConnections.Open(config.ConnectionString))
        {
            _lastWarning = "the database answers again; waiting for the connector to list the tables";
        }

        _wake.Wait(MaxIdleWaitMs);
        return null;
    }

    private List<SourceRecord> ReadFrom(TableQuerier querier, JdbcSourceConfig config)
    {
        try
        {
            if (_connection is not { State: System.Data.ConnectionState.Open })
            {
                PgConnections.CloseQuietly(_connection);
                _connection = null;
                _connection = PgConnections.Open(config.ConnectionString);
            }

            var records = querier.Read(_connection, config.MaxRows, out var exhausted);
            if (exhausted)
            {
                querier.NextDue = Environment.TickCount64 + config.PollIntervalMs;
            }

            return records;
        }
        catch (Exception e) when (e is not ConnectException || e is RetriableException)
        {
            CloseAll();
            throw PgConnections.Translate(e, config.ConnectionString, $"reading {querier.Name}");
        }
        finally
        {
            // Stop may have given up waiting for this read; then nobody else closes the connection.
            if (_stopping)
            {
                CloseAll();
            }
        }
    }

    private void CloseAll()
    {
        foreach (var q in _queriers)
        {
            q.Close();
        }

        PgConnections.CloseQuietly(_connection);
        _connection = null;
    }

    private void Warn(string warning) => _lastWarning = warning;
}
