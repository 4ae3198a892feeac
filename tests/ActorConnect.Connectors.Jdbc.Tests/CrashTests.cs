using ActorConnect.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>
/// A real <c>actorconnect standalone</c> process copying a table that is written to while it runs
/// (timestamp+incrementing source, upsert sink), killed with SIGKILL mid-way and started again on the same files.
/// </summary>
[Collection("jdbc")]
public sealed class CrashTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    /// <summary>How far the writer may run ahead of the sink table (rows).</summary>
    private const long MaxAhead = 5_000;

    [Fact]
    public async Task Inserts_and_updates_while_running_survive_SIGKILL_and_restart_and_the_tables_end_equal()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("crash"));
        await db.ExecAsync(
            "CREATE TABLE src (id bigserial PRIMARY KEY, val text NOT NULL, version int NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp()); " +
            "INSERT INTO src (val, version) SELECT 'v-' || g, 0 FROM generate_series(1, 20000) g;");
        var prefix = KafkaFixture.UniqueName("jdbccrash") + "-";
        var topic = prefix + "src";
        await kafka.CreateTopicAsync(topic, 1);
        var dir = RepoPaths.NewTempDirectory("jdbc-crash");
        var worker = WriteFile(dir, "worker.properties",
            ("bootstrap.servers", kafka.BootstrapServers), ("key.converter", JdbcWorker.JsonConverter), ("value.converter", JdbcWorker.JsonConverter),
            ("offset.storage.file.filename", Path.Combine(dir, "connect.offsets")), ("offset.flush.interval.ms", "200"),
            ("consumer.session.timeout.ms", "10000"), ("listeners", "http://127.0.0.1:0"));
        System.IO.File.AppendAllText(worker, kafka.WorkerBrokerProperties + "\n");
        var source = WriteFile(dir, "source.properties",
            ("name", prefix + "source"), ("connector.class", "io.confluent.connect.jdbc.JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "timestamp+incrementing"), ("timestamp.column.name", "updated_at"), ("incrementing.column.name", "id"),
            ("table.whitelist", "src"), ("topic.prefix", prefix), ("poll.interval.ms", "200"), ("batch.max.rows", "500"),
            // Rows are stamped before their transaction commits: the delay keeps the source behind writers in flight.
            ("timestamp.delay.interval.ms", "1000"));
        var sink = WriteFile(dir, "sink.properties",
            ("name", prefix + "sink"), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("table.name.format", "dst"), ("insert.mode", "upsert"), ("pk.mode", "record_value"), ("pk.fields", "id"), ("auto.create", "true"));

        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(() => WriteWhileRunning(db.ConnectionString, stopWriting.Token));
        await using (var first = Standalone(dir, worker, source, sink))
        {
            await Eventually.AssertAsync(async () => await db.CountAsync("dst") >= 25_000 && System.IO.File.Exists(Path.Combine(dir, "connect.offsets")),
                TimeSpan.FromMinutes(3), "rows flow and offsets are stored");
            first.KillHard();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"killed with {await db.CountAsync("dst")} rows in dst, {await db.CountAsync("src")} in src");
        }

        await using (var second = Standalone(dir, worker, source, sink))
        {
            await Eventually.AssertAsync(async () => await db.CountAsync("dst") >= 40_000, TimeSpan.FromMinutes(3), "rows flow after the restart");
            await stopWriting.CancelAsync();
            var (inserted, updated) = await writer;
            output.WriteLine($"writer inserted {inserted} and updated {updated} rows while the workers ran");
            await Eventually.AssertAsync(async () => await DifferenceAsync(db) == 0, TimeSpan.FromMinutes(3), "the sink table equals the source table");

            // The stored offsets read over REST as kafka-connect-jdbc's: GET /connectors/{name}/offsets.
            var line = await second.WaitForOutputAsync("REST API listening on", TimeSpan.FromSeconds(30));
            var url = System.Text.RegularExpressions.Regex.Match(line, @"listening on (http://\S+?)/?,").Groups[1].Value;
            using var http = new HttpClient();
            var offsets = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"{url}/connectors/{prefix}source/offsets"))!["offsets"]!.AsArray();
            var database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database;
            var entry = Assert.Single(offsets)!;
            Assert.Equal("1", (string)entry["partition"]!["protocol"]!);
            Assert.Equal($"{database}.public.src", (string)entry["partition"]!["table"]!);
            Assert.True((long)entry["offset"]!["incrementing"]! > 0 && (long)entry["offset"]!["timestamp"]! > 0 && entry["offset"]!["timestamp_nanos"] is not null, entry.ToJsonString());
            Assert.Equal(0, await second.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.Equal(await db.CountAsync("src"), await db.CountAsync("dst"));
        Assert.Equal(0, await DifferenceAsync(db));
    }

    private static async Task<long> DifferenceAsync(Db db) =>
        await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT id, val, version FROM src EXCEPT SELECT id, val, version FROM dst) a") +
        await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT id, val, version FROM dst EXCEPT SELECT id, val, version FROM src) b");

    /// <summary>Inserts rows and updates random existing ones, one statement at a time, until cancelled.</summary>
    private static async Task<(long Inserted, long Updated)> WriteWhileRunning(string connectionString, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        long inserted = 0, updated = 0;
        while (!stop.IsCancellationRequested)
        {
            await using (var insert = new NpgsqlCommand("INSERT INTO src (val, version) SELECT 'n-' || g, 0 FROM generate_series(1, 300) g", connection))
            {
                inserted += await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await using (var update = new NpgsqlCommand(
                "UPDATE src SET version = version + 1, val = 'u-' || id || '-' || (version + 1), updated_at = clock_timestamp() " +
                "WHERE id IN (SELECT (random() * (SELECT max(id) FROM src))::bigint + 1 FROM generate_series(1, 100))", connection))
            {
                updated += await update.ExecuteNonQueryAsync(CancellationToken.None);
            }

            try
            {
                await WaitForTheSinkAsync(connection, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (inserted, updated);
    }

    /// <summary>
    /// Holds the writer while the sink table is more than <see cref="MaxAhead"/> rows behind the source: the copy's
    /// backlog then stays bounded however the machine's CPU is shared. A fixed pause between rounds let the writer run
    /// ahead without bound whenever the worker was starved, and the final catch-up outgrew its wait.
    /// </summary>
    private static async Task WaitForTheSinkAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        while (await BehindAsync(connection) > MaxAhead)
        {
            await Task.Delay(Eventually.DefaultInterval, stop);
        }
    }

    private static async Task<long> BehindAsync(NpgsqlConnection connection)
    {
        // The sink creates dst with its first rows (auto.create).
        await using var exists = new NpgsqlCommand("SELECT to_regclass('public.dst') IS NOT NULL", connection);
        var sql = (bool)(await exists.ExecuteScalarAsync(CancellationToken.None))!
            ? "SELECT (SELECT count(*) FROM src) - (SELECT count(*) FROM dst)"
            : "SELECT count(*) FROM src";
        await using var behind = new NpgsqlCommand(sql, connection);
        return (long)(await behind.ExecuteScalarAsync(CancellationToken.None))!;
    }

    private static ProcessRunner Standalone(string dir, params string[] files)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "actorconnect.dll");
        return ProcessRunner.Start("dotnet", new[] { host, "standalone" }.Concat(files), workingDirectory: dir, name: "actorconnect");
    }

    private static string WriteFile(string dir, string name, params (string Key, string Value)[] props)
    {
        var path = Path.Combine(dir, name);
        System.IO.File.WriteAllLines(path, props.Select(p => $"{p.Key}={p.Value}"));
        return path;
    }
}
