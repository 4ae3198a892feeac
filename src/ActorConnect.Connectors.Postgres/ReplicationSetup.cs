using System.Net.Sockets;
using ActorConnect.Api.Errors;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// The checks and preparations before streaming, each failure naming its cause and its fix: the login, wal_level,
/// the REPLICATION attribute, the publication (created per <c>publication.autocreate.mode</c>), the slot (created when
/// missing; refused when another connection holds it). A database that cannot be reached, or a slot held by another
/// connection, is a <see cref="RetriableException"/>: the runtime polls again after a backoff.
/// </summary>
internal static class ReplicationSetup
{
    /// <summary>What the slot looks like before streaming starts.</summary>
    /// <param name="Exists">False when it was missing (the caller creates it).</param>
    /// <param name="ConfirmedFlush">Its confirmed flush LSN, 0 when missing.</param>
    public sealed record SlotState(bool Exists, ulong ConfirmedFlush);

    /// <summary>Opens a connection to the captured database, or throws the exception that says what to do.</summary>
    public static NpgsqlConnection Open(PostgresConnectorConfig config)
    {
        var connection = new NpgsqlConnection(config.ConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception e)
        {
            connection.Dispose();
            throw Translate(e, config, "connecting");
        }
    }

    /// <summary>Runs every check and creates the publication; returns the slot's state.</summary>
    public static SlotState Prepare(NpgsqlConnection connection, PostgresConnectorConfig config)
    {
        try
        {
            if (WalLevelProblem(Scalar<string>(connection, "SHOW wal_level")) is { } walProblem)
            {
                throw new ConnectException(walProblem);
            }

            var (user, canReplicate) = Row<string, bool>(connection, "SELECT current_user::text, rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user");
            if (!canReplicate)
            {
                throw new ConnectException(
                    $"User {user} (database.user) may not stream changes: it lacks the REPLICATION attribute. Fix: ALTER ROLE \"{user}\" REPLICATION; " +
                    "(as a superuser), or set database.user to a user that has it.");
            }

            EnsurePublication(connection, config);
            return Slot(connection, config);
        }
        catch (Exception e) when (e is not ConnectException)
        {
            throw Translate(e, config, "preparing replication");
        }
    }

    /// <summary>The problem with a wal_level setting, or null when it is logical.</summary>
    public static string? WalLevelProblem(string walLevel) => walLevel == "logical"
        ? null
        : $"PostgreSQL runs with wal_level={walLevel}, which keeps no logical changes to stream. Fix: set wal_level = logical " +
          "(ALTER SYSTEM SET wal_level = logical; or in postgresql.conf) and restart PostgreSQL.";

    /// <summary>Maps a failure to a retriable exception (database unreachable) or a fatal one naming the key to fix.</summary>
    public static ConnectException Translate(Exception e, PostgresConnectorConfig config, string doing)
    {
        var b = new NpgsqlConnectionStringBuilder(config.ConnectionString);
        var where = $"PostgreSQL at {b.Host}:{b.Port}/{b.Database} as user {b.Username}";
        return e switch
        {
            ConnectException ce => ce,
            PostgresException { SqlState: "28P01" or "28000" } pg => new ConnectException(
                $"{where} refused the login while {doing} ({pg.SqlState}: {pg.MessageText}). Fix database.user / database.password.", e),
            PostgresException { SqlState: "3D000" } pg => new ConnectException($"{where}: {pg.MessageText}. Fix database.dbname.", e),
            PostgresException { SqlState: "55006" } pg => SlotInUse(config, pg.MessageText, e),
            PostgresException { SqlState: "42501" } pg => new ConnectException(
                $"{where} denied a permission while {doing} ({pg.MessageText}). Fix: grant it to database.user, or create the publication " +
                "yourself and set publication.autocreate.mode=disabled.", e),
            _ when IsUnreachable(e) => new RetriableException(
                $"{where} is unreachable while {doing} ({Innermost(e).Message}); retrying. Check that the database is running and that database.hostname / database.port point at it.", e),
            PostgresException pg => new ConnectException($"{where} failed while {doing}: {pg.SqlState}: {pg.MessageText}", e),
            _ => new ConnectException($"{where} failed while {doing}: {e.Message}", e),
        };
    }

    private static bool IsUnreachable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "53300",
        NpgsqlException n => n.IsTransient || n.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    private static Exception Innermost(Exception e) => e.InnerException is { } inner && e is not PostgresException ? Innermost(inner) : e;

    private static void EnsurePublication(NpgsqlConnection connection, PostgresConnectorConfig config)
    {
        var exists = Scalar<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = @p0)", config.Publication);
        var name = Quote(config.Publication);
        switch (config.AutocreateMode)
        {
            case "disabled" when !exists:
                throw new ConnectException(
                    $"Publication '{config.Publication}' (publication.name) does not exist in database {config.Database} and publication.autocreate.mode=disabled. " +
                    $"Fix: CREATE PUBLICATION {name} FOR TABLE ...; or set publication.autocreate.mode=all_tables or filtered.");
            case "all_tables" when !exists:
                Execute(connection, $"CREATE PUBLICATION {name} FOR ALL TABLES");
                break;
            case "filtered":
                // The stream must carry the signal table's rows (signals, snapshot windows) even when it is not captured.
                var tables = CapturedTables(connection, config).Union(config.SignalTable is { } signal && Exists(connection, signal) ? [signal] : []).ToList();
                var list = string.Join(", ", tables.Select(t => Quote(t.Schema) + "." + Quote(t.Table)));
                if (!exists)
                {
                    Execute(connection, tables.Count == 0 ? $"CREATE PUBLICATION {name}" : $"CREATE PUBLICATION {name} FOR TABLE {list}");
                }
                else if (tables.Count > 0)
                {
                    // Debezium keeps a filtered publication in step with the include/exclude lists on every start.
                    Execute(connection, $"ALTER PUBLICATION {name} SET TABLE {list}");
                }

                break;
        }
    }

    /// <summary>The ordinary tables of the database the include/exclude lists select.</summary>
    public static IReadOnlyList<(string Schema, string Table)> CapturedTables(NpgsqlConnection connection, PostgresConnectorConfig config)
    {
        using var cmd = new NpgsqlCommand(
            "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2",
            connection);
        using var reader = cmd.ExecuteReader();
        var tables = new List<(string, string)>();
        while (reader.Read())
        {
            if (config.Captures(reader.GetString(0), reader.GetString(1)))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return tables;
    }

    private static bool Exists(NpgsqlConnection connection, (string Schema, string Table) table) =>
        Scalar<bool>(connection, "SELECT to_regclass(@p0) IS NOT NULL", Quote(table.Schema) + "." + Quote(table.Table));

    private static SlotState Slot(NpgsqlConnection connection, PostgresConnectorConfig config)
    {
        using var cmd = new NpgsqlCommand(
            "SELECT database::text, plugin::text, active, active_pid, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = @p0", connection);
        cmd.Parameters.AddWithValue("p0", config.Slot);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            return new SlotState(false, 0);
        }

        var (database, plugin, active) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
        if (database != config.Database || plugin != "pgoutput")
        {
            throw new ConnectException(
                $"Replication slot '{config.Slot}' (slot.name) exists but belongs to {(database is null ? "physical replication" : $"database {database} with plugin {plugin}")}, " +
                $"not database {config.Database} with pgoutput. Fix: set another slot.name, or drop that slot if nothing uses it (SELECT pg_drop_replication_slot('{config.Slot}')).");
        }

        if (active)
        {
            throw SlotInUse(config, $"PID {reader.GetInt32(3)}", null);
        }

        var flushed = reader.IsDBNull(4) ? 0 : (ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(reader.GetString(4));
        return new SlotState(true, flushed);
    }

    private static RetriableException SlotInUse(PostgresConnectorConfig config, string detail, Exception? cause) => new(
        $"Replication slot '{config.Slot}' (slot.name) is held by another connection ({detail}); retrying. Fix: stop the other consumer " +
        "of the slot (another connector or a pg_recvlogical), or give this connector its own slot.name.", cause);

    private static string Quote(string identifier) => TableCatalog.Quote(identifier);

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }

    private static T Scalar<T>(NpgsqlConnection connection, string sql, params object[] args)
    {
        using var cmd = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < args.Length; i++)
        {
            cmd.Parameters.AddWithValue("p" + i, args[i]);
        }

        return (T)cmd.ExecuteScalar()!;
    }

    private static (T1, T2) Row<T1, T2>(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection);
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetFieldValue<T1>(0), reader.GetFieldValue<T2>(1));
    }
}
