using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

/// <summary>The PostgreSQL side of bench/postgres-cdc.sh: a WAL backlog to stream, and the raw pgoutput reader (the ceiling).</summary>
internal static class CdcBench
{
    /// <summary>
    /// A fresh table in a fresh publication, the slots created before any row is written (so each holds every insert),
    /// then the rows, <paramref name="batch"/> per transaction, as an application inserting in batches would.
    /// </summary>
    public static async Task PrepareAsync(NpgsqlDataSource data, string table, long rows, int batch, string publication, string[] slots)
    {
        await ExecAsync(data, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id bigserial PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL, created timestamp NOT NULL); " +
                              $"DROP PUBLICATION IF EXISTS {publication}; CREATE PUBLICATION {publication} FOR TABLE {table}");
        foreach (var slot in slots)
        {
            await ExecAsync(data, $"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')");
        }

        for (long from = 1; from <= rows; from += batch)
        {
            var to = Math.Min(rows, from + batch - 1);
            await ExecAsync(data, $"INSERT INTO {table} (name, amount, created) SELECT 'customer-' || g || repeat('x', 40), (g % 100000) / 100.0, " +
                                  $"timestamp '2026-01-01' + g * interval '1 second' FROM generate_series({from}, {to}) g");
        }

        Console.Error.WriteLine($"acbench-jdbc: {table} holds {rows} rows inserted {batch} per transaction, in the WAL of slots {string.Join(", ", slots)}");
    }

    /// <summary>Streams the slot until <paramref name="rows"/> inserts came, reading each column's text as the connector does; returns the inserts.</summary>
    public static async Task<long> RawReplicationAsync(string connectionString, string slot, string publication, long rows)
    {
        await using var connection = new LogicalReplicationConnection(connectionString);
        await connection.Open();
        using var stop = new CancellationTokenSource();
        long inserts = 0;
        long chars = 0;
        var options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1);
        try
        {
            await foreach (var message in connection.StartReplication(new PgOutputReplicationSlot(slot), options, stop.Token))
            {
                if (message is InsertMessage insert)
                {
                    await foreach (var value in insert.NewRow)
                    {
                        chars += value.IsDBNull ? 0 : (await value.Get<string>()).Length;
                    }

                    if (++inserts >= rows)
                    {
                        await stop.CancelAsync();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // All the inserts came.
        }

        Console.Error.WriteLine($"acbench-jdbc: {inserts} inserts, {chars} characters of column text");
        return inserts;
    }

    /// <summary>
    /// Inserts <paramref name="rate"/> rows a second for <paramref name="seconds"/>, a transaction every 10 ms on an
    /// absolute schedule (a late tick inserts its rows at once rather than shifting the rest); each row's sent_us is
    /// the statement's clock_timestamp() in µs, for acbench cdc-latency.
    /// </summary>
    public static async Task SteadyAsync(NpgsqlDataSource data, string table, double rate, double seconds)
    {
        const double TickMs = 10;
        var ticks = (long)(seconds * 1000 / TickMs);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        await using var connection = await data.OpenConnectionAsync();
        for (long tick = 1; tick <= ticks; tick++)
        {
            var due = (long)Math.Round(rate * tick * TickMs / 1000) - sent;
            if (due > 0)
            {
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO {table} (sent_us) SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint FROM generate_series(1, {due})", connection);
                await insert.ExecuteNonQueryAsync();
                sent += due;
            }

            var wait = TimeSpan.FromMilliseconds(tick * TickMs) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        Console.Error.WriteLine($"acbench-jdbc: {sent} rows inserted into {table} in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine(FormattableString.Invariant($"RESULT rows={sent} seconds={clock.Elapsed.TotalSeconds:F3}"));
    }

    private static async Task ExecAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 1200;
        await command.ExecuteNonQueryAsync();
    }
}
