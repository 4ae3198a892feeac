using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

// acbench-jdbc <command> <connection string> ...; measuring commands end with one "RESULT key=value ..." line.
//   prepare <cs> <table> <rows>        a fresh source table of <rows> rows (id bigserial key, name text, amount numeric, created timestamp)
//   raw-read <cs> <table>              the source ceiling: SELECT * streamed through a data reader, every column read
//   raw-copy <cs> <source> <target>    the sink ceiling: the source rows read, then written with binary COPY into a fresh table
//   raw-upsert <cs> <source> <target> <batch>   the upsert floor: the same rows, <batch> per transaction, binary COPY
//                                      into a temp staging table, then one INSERT ... SELECT ... ON CONFLICT DO UPDATE into
//                                      a fresh keyed table (the JDBC sink's way, without Kafka or conversion)
//   wait-rows <cs> <table> <rows> <timeoutSec> <sinceUnixMs>   polls count(*) until <rows>; seconds (and first_seconds, to the
//                                      first row) since <sinceUnixMs>
//   cdc-prepare <cs> <table> <rows> <batch> <publication> <slot>...   a fresh table in a publication, the slots (pgoutput)
//                                      created on it, then <rows> rows inserted, <batch> per transaction: a WAL backlog
//   cdc-steady <cs> <table> <rate> <seconds>   inserts rows (sent_us: the statement's clock) at a steady rate, a
//                                      transaction every 10 ms, on an absolute schedule
//   raw-replication <cs> <slot> <publication> <rows>   the CDC ceiling: streams the slot with pgoutput, every column of
//                                      every insert read as text, until <rows> inserts came
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: acbench-jdbc prepare|raw-read|raw-copy|wait-rows <connection string> ...");
    return 2;
}

await using var data = NpgsqlDataSource.Create(args[1]);
switch (args[0])
{
    case "prepare":
        await Prepare(args[2], long.Parse(args[3], CultureInfo.InvariantCulture));
        return 0;
    case "raw-read":
    {
        var clock = Stopwatch.StartNew();
        var rows = await ReadAll(args[2], _ => { });
        Result(rows, clock.Elapsed);
        return 0;
    }

    case "raw-copy":
    {
        var all = new List<(long, string, decimal, DateTime)>();
        await ReadAll(args[2], r => all.Add((r.GetInt64(0), r.GetString(1), r.GetDecimal(2), r.GetDateTime(3))));
        await Exec($"DROP TABLE IF EXISTS {args[3]}; CREATE TABLE {args[3]} (id bigint PRIMARY KEY, name text, amount numeric(12,2), created timestamp)");
        var clock = Stopwatch.StartNew();
        await using (var connection = await data.OpenConnectionAsync())
        {
            await CopyRows(connection, args[3], all);
        }

        Result(all.Count, clock.Elapsed);
        return 0;
    }

    case "raw-upsert":
    {
        var all = new List<(long, string, decimal, DateTime)>();
        await ReadAll(args[2], r => all.Add((r.GetInt64(0), r.GetString(1), r.GetDecimal(2), r.GetDateTime(3))));
        var batch = int.Parse(args[4], CultureInfo.InvariantCulture);
        await Exec($"DROP TABLE IF EXISTS {args[3]}; CREATE TABLE {args[3]} (id bigint PRIMARY KEY, name text, amount numeric(12,2), created timestamp)");
        var clock = Stopwatch.StartNew();
        await using (var connection = await data.OpenConnectionAsync())
        {
            await using (var create = new NpgsqlCommand("CREATE TEMP TABLE upsert_staging (id bigint, name text, amount numeric, created timestamp) ON COMMIT DELETE ROWS", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            for (var start = 0; start < all.Count; start += batch)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await CopyRows(connection, "upsert_staging", all.Skip(start).Take(batch));

                await using (var move = new NpgsqlCommand(
                    $"INSERT INTO {args[3]} (id, name, amount, created) SELECT id, name, amount::numeric(12,2), created FROM upsert_staging " +
                    "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, amount = EXCLUDED.amount, created = EXCLUDED.created", connection, transaction))
                {
                    await move.ExecuteNonQueryAsync();
                }

                await transaction.CommitAsync();
            }
        }

        Result(all.Count, clock.Elapsed);
        return 0;
    }

    case "wait-rows":
    {
        var rows = long.Parse(args[3], CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(double.Parse(args[4], CultureInfo.InvariantCulture));
        var since = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[5], CultureInfo.InvariantCulture)).UtcDateTime;
        long count = 0;
        DateTime? first = null; // when the table first held a row: launch to first row is the start-up floor
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var command = data.CreateCommand($"SELECT count(*) FROM {args[2]}");
                count = (long)(await command.ExecuteScalarAsync())!;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                count = 0;
            }

            if (count > 0)
            {
                first ??= DateTime.UtcNow;
            }

            if (count >= rows)
            {
                var now = DateTime.UtcNow;
                Console.WriteLine(FormattableString.Invariant(
                    $"RESULT rows={count} seconds={(now - since).TotalSeconds:F3} first_seconds={(first!.Value - since).TotalSeconds:F3}"));
                return 0;
            }

            await Task.Delay(50);
        }

        Console.WriteLine($"RESULT rows={count} seconds=-1 failed=1");
        return 1;
    }

    case "cdc-prepare":
        await CdcBench.PrepareAsync(data, args[2], long.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), args[5], args[6..]);
        return 0;
    case "cdc-steady":
        await CdcBench.SteadyAsync(data, args[2], double.Parse(args[3], CultureInfo.InvariantCulture), double.Parse(args[4], CultureInfo.InvariantCulture));
        return 0;
    case "raw-replication":
    {
        var clock = Stopwatch.StartNew();
        var rows = await CdcBench.RawReplicationAsync(args[1], args[2], args[3], long.Parse(args[4], CultureInfo.InvariantCulture));
        Result(rows, clock.Elapsed);
        return 0;
    }

    default:
        Console.Error.WriteLine($"acbench-jdbc: unknown command {args[0]}");
        return 2;
}

// The rows into a table by binary COPY, as the sink ceiling and the upsert floor both write them.
static async Task CopyRows(NpgsqlConnection connection, string table, IEnumerable<(long Id, string Name, decimal Amount, DateTime Created)> rows)
{
    await using var copy = await connection.BeginBinaryImportAsync($"COPY {table} (id, name, amount, created) FROM STDIN (FORMAT BINARY)");
    foreach (var (id, name, amount, created) in rows)
    {
        await copy.StartRowAsync();
        await copy.WriteAsync(id, NpgsqlDbType.Bigint);
        await copy.WriteAsync(name, NpgsqlDbType.Text);
        await copy.WriteAsync(amount, NpgsqlDbType.Numeric);
        await copy.WriteAsync(created, NpgsqlDbType.Timestamp);
    }

    await copy.CompleteAsync();
}

async Task Prepare(string table, long rows)
{
    await Exec($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id bigserial PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL, created timestamp NOT NULL)");
    await Exec($"INSERT INTO {table} (name, amount, created) SELECT 'customer-' || g || repeat('x', 40), (g % 100000) / 100.0, timestamp '2026-01-01' + g * interval '1 second' FROM generate_series(1, {rows}) g");
    await Exec($"ANALYZE {table}");
    Console.Error.WriteLine($"acbench-jdbc: {table} holds {rows} rows");
}

async Task<long> ReadAll(string table, Action<NpgsqlDataReader> each)
{
    await using var command = data.CreateCommand($"SELECT id, name, amount, created FROM {table} ORDER BY id");
    await using var reader = await command.ExecuteReaderAsync();
    long rows = 0;
    while (await reader.ReadAsync())
    {
        _ = reader.GetInt64(0);
        _ = reader.GetString(1);
        _ = reader.GetDecimal(2);
        _ = reader.GetDateTime(3);
        each(reader);
        rows++;
    }

    return rows;
}

async Task Exec(string sql)
{
    await using var command = data.CreateCommand(sql);
    command.CommandTimeout = 600;
    await command.ExecuteNonQueryAsync();
}

static void Result(long rows, TimeSpan elapsed) =>
    Console.WriteLine(FormattableString.Invariant($"RESULT rows={rows} seconds={elapsed.TotalSeconds:F3} rows_per_s={rows / elapsed.TotalSeconds:F0}"));
