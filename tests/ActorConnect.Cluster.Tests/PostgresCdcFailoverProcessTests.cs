using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;
using ActorConnect.Connectors.Postgres.Tests;
using ActorConnect.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// The PostgreSQL CDC connector (bundled with the host) in real <c>actorconnect distributed</c> processes: its task's
/// worker is SIGKILLed while rows are being inserted, the task starts again on a survivor from the offset stored in
/// Kafka, and the slot (confirmed only up to stored offsets) still holds every change after it.
/// </summary>
[Collection("kafka")]
public sealed class PostgresCdcFailoverProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const string Json = "org.apache.kafka.connect.json.JsonConverter";

    [Fact]
    public async Task A_SIGKILLed_workers_CDC_task_resumes_on_a_survivor_from_the_stored_LSN_and_no_inserted_row_is_missing()
    {
        await using var db = await CdcDatabase.CreateAsync();
        ProcessCluster? cluster = null;
        try
        {
            cluster = await ProcessCluster.StartAsync(kafka, output);
            await db.ExecAsync("CREATE TABLE events (id int PRIMARY KEY)");
            var prefix = db.Name;
            var topic = prefix + ".public.events";
            await kafka.CreateTopicAsync(topic, 1);
            var name = KafkaFixture.UniqueName("cdc");
            var config = db.Config(prefix, ("snapshot.mode", "initial"), ("poll.interval.ms", "100"), ("key.converter", Json), ("key.converter.schemas.enable", "false"),
                ("value.converter", Json), ("value.converter.schemas.enable", "false"));
            config["name"] = name;
            config["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector";
            cluster.Configs.Put(new StoredConnector(name, config, TargetState.Started));
            await cluster.RunningOnAsync(name, 1, notOn: null);
            await cluster.Statuses.ReadToEndAsync();
            var victim = cluster.Statuses.Tasks(name).Single().WorkerId;

            // Rows go in, 20 per transaction, until the test says stop: before, during and after the kill.
            using var stop = new CancellationTokenSource();
            var inserted = 0;
            var inserter = Task.Run(async () =>
            {
                await using var connection = new NpgsqlConnection(db.ConnectionString);
                await connection.OpenAsync();
                // Pacing, not synchronisation: a steady trickle of transactions (one every 10 ms) rather than all of
                // them before the kill.
                using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
                while (!stop.IsCancellationRequested)
                {
                    await using var insert = new NpgsqlCommand($"INSERT INTO events SELECT generate_series({inserted + 1}, {inserted + 20})", connection);
                    await insert.ExecuteNonQueryAsync();
                    Interlocked.Add(ref inserted, 20);
                    await pace.WaitForNextTickAsync();
                }
            });

            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) >= 400, ProcessCluster.Timeout, "changes reach Kafka before the kill");
            // The slot is confirmed only to stored offsets: once it passes this point, the first 400 rows' offsets are stored.
            var reached = (ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse((await db.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text"))!);
            await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() >= reached, ProcessCluster.Timeout, "an offset past 400 rows is stored");
            var clock = Stopwatch.StartNew();
            cluster.Nodes[victim].KillHard();
            var atKill = Volatile.Read(ref inserted);
            output.WriteLine($"SIGKILL {victim} with {atKill} rows inserted");
            var moved = await cluster.RunningOnAsync(name, 1, notOn: victim);
            var atResume = Volatile.Read(ref inserted);
            output.WriteLine($"task RUNNING again after {clock.Elapsed.TotalSeconds:N1} s, connector on {moved.WorkerId}");
            await Eventually.AssertAsync(() => Volatile.Read(ref inserted) >= atResume + 400, ProcessCluster.Timeout, "rows go on being inserted after the resume");
            await stop.CancelAsync();
            await inserter;
            var total = Volatile.Read(ref inserted);

            List<int> ids = [];
            await Eventually.AssertAsync(async () =>
            {
                ids = (await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromSeconds(30)))
                    .Where(m => m.Message.Value is not null)
                    .Select(m => (int)JsonNode.Parse(m.Message.Value!)!["after"]!["id"]!).ToList();
                return ids.Distinct().Count() >= total;
            }, ProcessCluster.Timeout, $"all {total} inserted rows are in the topic");
            var missing = Enumerable.Range(1, total).Except(ids).ToList();
            output.WriteLine($"{total} rows inserted, {ids.Count} records, {ids.Count - ids.Distinct().Count()} duplicates (at least once across a crash)");
            Assert.Empty(missing);
            Assert.All(ids, id => Assert.InRange(id, 1, total));
            // Resumed from the stored offset, not from the start: the first 400 rows, stored before the kill, never come twice.
            Assert.All(ids.GroupBy(id => id).Where(g => g.Count() > 1), g => Assert.True(g.Key > 400, $"row {g.Key}, stored before the kill, came twice"));
        }
        finally
        {
            // The workers go before the database (disposed next, dropping the slot), so no task takes the slot again.
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }
}
