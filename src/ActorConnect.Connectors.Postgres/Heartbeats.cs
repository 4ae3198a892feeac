using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Debezium's heartbeats (<c>heartbeat.interval.ms</c>): every interval a record on
/// <c>&lt;topic.heartbeat.prefix&gt;.&lt;topic.prefix&gt;</c>, key <c>io.debezium.connector.common.ServerNameKey</c>
/// {serverName}, value <c>io.debezium.connector.common.Heartbeat</c> {ts_ms}, partition 0, whose offset moves
/// <c>lsn_proc</c> to where the stream is, so the slot advances when it is stored. <c>heartbeat.action.query</c> runs
/// first, on a connection of its own, which also watches the slot's lag. Used from the poll thread only.
/// </summary>
internal sealed class Heartbeats(PostgresConnectorConfig config) : IDisposable
{
    public static readonly Schema KeySchema = SchemaBuilder.Struct().Name("io.debezium.connector.common.ServerNameKey").Version(1)
        .Field("serverName", Schema.StringSchema).Build();

    public static readonly Schema ValueSchema = SchemaBuilder.Struct().Name("io.debezium.connector.common.Heartbeat").Version(1)
        .Field("ts_ms", Schema.Int64Schema).Build();

    private readonly IReadOnlyDictionary<string, object?> _partition = CdcOffset.Partition(config.Prefix);
    private const int LagCheckMs = 5000;

    private NpgsqlConnection? _connection;
    private long _nextDue = Environment.TickCount64 + config.HeartbeatMs;
    private long _nextLagCheck = Environment.TickCount64;
    private bool _lagging;

    /// <summary>True when heartbeats are on and the interval has passed since the last one.</summary>
    public bool Due => config.HeartbeatMs > 0 && Environment.TickCount64 >= _nextDue;

    /// <summary>Starts the next interval.</summary>
    public void Sent() => _nextDue = Environment.TickCount64 + config.HeartbeatMs;

    /// <summary>
    /// Runs <c>heartbeat.action.query</c>, if any; returns the problem (null when it ran) so the task can show it and
    /// keep streaming, as a failing heartbeat table should not stop the capture.
    /// </summary>
    public string? RunActionQuery()
    {
        if (config.HeartbeatQuery is not { } query)
        {
            return null;
        }

        try
        {
            using var command = new NpgsqlCommand(query, Open());
            command.ExecuteNonQuery();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            Close();
            return $"heartbeat.action.query failed ({e.Message}); streaming goes on, and the query runs again at the next heartbeat. Fix the statement or the table it writes.";
        }
    }

    /// <summary>
    /// Every few seconds, how far the slot's confirmed_flush_lsn is behind <c>pg_current_wal_lsn()</c>: the WAL
    /// PostgreSQL keeps for it. Returns a status line when the lag crosses <c>slot.lag.warning.bytes</c> either way, null
    /// otherwise (also when the check itself fails: it is retried at the next interval).
    /// </summary>
    public string? CheckLag()
    {
        if (config.LagWarningBytes <= 0 || Environment.TickCount64 < _nextLagCheck)
        {
            return null;
        }

        _nextLagCheck = Environment.TickCount64 + LagCheckMs;
        try
        {
            using var command = new NpgsqlCommand(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint, confirmed_flush_lsn::text, pg_current_wal_lsn()::text FROM pg_replication_slots WHERE slot_name = $1",
                Open()) { Parameters = { new() { Value = config.Slot } } };
            using var reader = command.ExecuteReader();
            if (!reader.Read() || reader.IsDBNull(0))
            {
                return null;
            }

            var lag = reader.GetInt64(0);
            var mib = lag / (1024.0 * 1024.0);
            if (lag >= config.LagWarningBytes && !_lagging)
            {
                _lagging = true;
                return $"replication slot '{config.Slot}' is {mib:F1} MiB behind the server's WAL (confirmed_flush_lsn {reader.GetString(1)}, pg_current_wal_lsn() {reader.GetString(2)}), " +
                    "which PostgreSQL keeps until the slot is confirmed: check that Kafka acknowledges this task's records, or set heartbeat.interval.ms when only tables outside the publication change.";
            }

            if (lag < config.LagWarningBytes && _lagging)
            {
                _lagging = false;
                return $"replication slot '{config.Slot}' has caught up: {mib:F1} MiB behind the server's WAL, below slot.lag.warning.bytes.";
            }

            return null;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            Close();
            return null;
        }
    }

    /// <summary>The heartbeat record, carrying <paramref name="offset"/>.</summary>
    public SourceRecord Record(CdcOffset offset) =>
        new(_partition, offset.ToMap(), config.HeartbeatTopic, 0, KeySchema, new Struct(KeySchema).Put("serverName", config.Prefix),
            ValueSchema, new Struct(ValueSchema).Put("ts_ms", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    public void Dispose() => Close();

    // A connection of its own: the stream's catalog connection belongs to the reader's thread.
    private NpgsqlConnection Open()
    {
        if (_connection is not { State: System.Data.ConnectionState.Open })
        {
            Close();
            _connection = new NpgsqlConnection(config.ConnectionString);
            _connection.Open();
        }

        return _connection;
    }

    private void Close()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
