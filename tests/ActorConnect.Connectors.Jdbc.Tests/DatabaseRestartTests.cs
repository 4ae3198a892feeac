using System.Diagnostics;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>
/// A PostgreSQL of its own (a second private cluster on another port, through scripts/postgres-local.sh) is stopped
/// while the source and the sink use it and started again: both tasks wait it out, RUNNING with the reason, and no
/// row is lost.
/// </summary>
[Collection("jdbc")]
public sealed class DatabaseRestartTests(KafkaFixture kafka)
{
    private const string Port = "15433";

    [Fact]
    public async Task The_database_going_down_and_up_again_loses_nothing_and_the_status_says_why_meanwhile()
    {
        var admin = await Script("start");
        try
        {
            var db = await CreateDatabaseAsync(admin, "restart");
            await db.ExecAsync("CREATE TABLE src (id bigserial PRIMARY KEY, val text NOT NULL); INSERT INTO src (val) SELECT 'v' || g FROM generate_series(1, 5000) g;");
            var prefix = KafkaFixture.UniqueName("jdbcrestart") + "-";
            await kafka.CreateTopicAsync(prefix + "src", 1);
            await using var worker = JdbcWorker.Start(kafka);
            await worker.CreateAsync(("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
                ("mode", "incrementing"), ("table.whitelist", "src"), ("topic.prefix", prefix), ("poll.interval.ms", "200"));
            await worker.CreateAsync(("name", prefix + "sink"), ("connector.class", "JdbcSinkConnector"), ("topics", prefix + "src"), ("connection.url", db.JdbcUrl),
                ("table.name.format", "dst"), ("insert.mode", "upsert"), ("pk.mode", "record_value"), ("pk.fields", "id"), ("auto.create", "true"),
                ("max.retries", "1000"), ("retry.backoff.ms", "200"));
            await worker.WaitForAsync(async () => await db.CountAsync("dst") == 5000, TimeSpan.FromMinutes(2), "the first rows arrive", prefix + "source", prefix + "sink");

            await Script("stop");
            await worker.WaitForStatusAsync(prefix + "source", s => s.Tasks.Any(t => t.State == ConnectState.Running && (t.LastError ?? "").Contains("unreachable")));
            await Script("start");
            // The sink meets the database down only when it has something to write: hold it while new rows reach Kafka.
            await worker.Worker.SetTargetStateAsync(prefix + "sink", TargetState.Paused);
            await db.ExecAsync("INSERT INTO src (val) SELECT 'w' || g FROM generate_series(1, 5000) g;");
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(prefix + "src") >= 10000, TimeSpan.FromMinutes(2), "the new rows reach Kafka");
            await Script("stop");
            await worker.Worker.SetTargetStateAsync(prefix + "sink", TargetState.Started);
            await worker.WaitForStatusAsync(prefix + "sink", s => s.Tasks.Any(t => t.State == ConnectState.Running && (t.LastError ?? "").Contains("unreachable")) || s.HasFailedTasks);
            Assert.False((await worker.Worker.StatusAsync(prefix + "sink")).HasFailedTasks);
            await Script("start");

            await worker.WaitForAsync(async () => await db.CountAsync("dst") == 10000, TimeSpan.FromMinutes(2), "every row arrives after the restarts", prefix + "source", prefix + "sink");
            Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT id, val FROM src EXCEPT SELECT id, val FROM dst) x"));
        }
        finally
        {
            await Script("stop");
        }
    }

    [Fact]
    public async Task A_source_started_while_the_database_is_down_says_why_and_starts_copying_once_it_is_up()
    {
        var admin = await Script("start");
        try
        {
            var db = await CreateDatabaseAsync(admin, "late");
            await db.ExecAsync("CREATE TABLE src (id bigserial PRIMARY KEY, val text NOT NULL); INSERT INTO src (val) SELECT 'v' || g FROM generate_series(1, 100) g;");
            var prefix = KafkaFixture.UniqueName("jdbclate") + "-";
            await kafka.CreateTopicAsync(prefix + "src", 1);
            await Script("stop");

            await using var worker = JdbcWorker.Start(kafka);
            await worker.CreateAsync(("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
                ("mode", "incrementing"), ("table.whitelist", "src"), ("topic.prefix", prefix), ("poll.interval.ms", "200"));
            await worker.WaitForStatusAsync(prefix + "source", s => s.Tasks.Any(t => t.State == ConnectState.Running && (t.LastError ?? "").Contains("unreachable")));

            await Script("start");
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(prefix + "src") >= 100, TimeSpan.FromMinutes(1), "the rows are copied once the database is up");
            Assert.Single((await worker.Worker.StatusAsync(prefix + "source")).Tasks);
        }
        finally
        {
            await Script("stop");
        }
    }

    private static async Task<Db> CreateDatabaseAsync(string admin, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString))
        {
            await c.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await create.ExecuteNonQueryAsync();
        }

        return new Db(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    private static async Task<string> Script(string command)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.RepoRoot, "scripts", "postgres-local.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["POSTGRES_LOCAL_PORT"] = Port;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"postgres-local.sh {command}: {await stderr}");
        return (await stdout).Trim().Split('\n').Last().Trim();
    }
}
