using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>A real <c>actorconnect standalone</c> process streaming a table being written to, SIGKILLed and started again.</summary>
[Collection("kafka")]
public sealed class CrashTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const int PerTransaction = 50;

    [Fact]
    public async Task Changes_across_a_SIGKILL_and_restart_all_reach_Kafka_and_the_slot_never_runs_ahead_of_it()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY)");
        var prefix = KafkaFixture.UniqueName("cdccrash").Replace('-', '_');
        var topic = prefix + ".public.t";
        await kafka.CreateTopicAsync(topic, 1);
        var dir = RepoPaths.NewTempDirectory("cdc-crash");
        var worker = WriteFile(dir, "worker.properties",
            [("bootstrap.servers", kafka.BootstrapServers), ("key.converter", "org.apache.kafka.connect.json.JsonConverter"),
             ("value.converter", "org.apache.kafka.connect.json.JsonConverter"), ("offset.storage.file.filename", Path.Combine(dir, "connect.offsets")),
             ("offset.flush.interval.ms", "200"), ("listeners", "http://127.0.0.1:0")]);
        System.IO.File.AppendAllText(worker, kafka.WorkerBrokerProperties + "\n");
        var connector = WriteFile(dir, "cdc.properties",
            [.. db.Config(prefix, ("name", prefix), ("connector.class", "io.debezium.connector.postgresql.PostgresConnector")).Select(kv => (kv.Key, kv.Value))]);

        var committed = new System.Collections.Concurrent.ConcurrentQueue<(int First, ulong LsnAfter)>();
        var transactions = 0;
        try
        {
            await using (var first = Standalone(dir, worker, connector))
            {
                await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() is not null, TimeSpan.FromMinutes(1), "the task created the slot");
                // The writer keeps committing while the host is killed and while it is down.
                var writing = Task.Run(() => WriteAsync(db, committed, 0, 200));
                transactions += 200;
                await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) >= 2_000, TimeSpan.FromMinutes(2), "changes flow");
                first.KillHard();
                await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
                await writing;
            }

            // Every transaction that surely ended before the slot's confirmed position must be wholly in Kafka.
            var confirmed = (await db.ConfirmedFlushAsync())!.Value;
            var inKafka = Ids(await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromMinutes(1))).ToHashSet();
            var confirmedTransactions = committed.Where(c => c.LsnAfter <= confirmed).ToList();
            output.WriteLine($"killed with {inKafka.Count} ids in Kafka; {confirmedTransactions.Count} of {committed.Count} transactions surely before the slot's position");
            Assert.All(confirmedTransactions, c => Assert.True(Enumerable.Range(c.First, PerTransaction).All(inKafka.Contains), $"transaction from id {c.First} is confirmed but not in Kafka"));

            await using (var second = Standalone(dir, worker, connector))
            {
                await WriteAsync(db, committed, transactions, 50);
                transactions += 50;
                var expected = transactions * PerTransaction;
                List<int> ids = [];
                await Eventually.AssertAsync(async () =>
                {
                    ids = Ids(await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromMinutes(1)));
                    return ids.Distinct().Count() == expected;
                }, TimeSpan.FromMinutes(3), $"all {expected} inserts reach Kafka");
                output.WriteLine($"{ids.Count} records for {expected} inserts: {ids.Count - expected} duplicates after the SIGKILL");
                Assert.Equal(Enumerable.Range(1, expected), ids.Distinct().Order());
                Assert.Equal(0, await second.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Commits <paramref name="count"/> transactions of inserts, noting for each a WAL position at or after its end.</summary>
    private static async Task WriteAsync(CdcDatabase db, System.Collections.Concurrent.ConcurrentQueue<(int First, ulong LsnAfter)> committed, int from, int count)
    {
        for (var tx = from; tx < from + count; tx++)
        {
            var first = (tx * PerTransaction) + 1;
            await db.ExecAsync($"INSERT INTO t SELECT generate_series({first}, {first + PerTransaction - 1})");
            var after = await db.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text");
            committed.Enqueue((first, (ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(after!)));
        }
    }

    private static List<int> Ids(IEnumerable<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> messages) =>
        messages.Select(m => (int)JsonNode.Parse(m.Message.Key!)!["payload"]!["id"]!).ToList();

    private static ProcessRunner Standalone(string dir, params string[] files) =>
        ProcessRunner.Start("dotnet", new[] { Path.Combine(AppContext.BaseDirectory, "actorconnect.dll"), "standalone" }.Concat(files), workingDirectory: dir, name: "actorconnect");

    private static string WriteFile(string dir, string name, IEnumerable<(string Key, string Value)> props)
    {
        var path = Path.Combine(dir, name);
        System.IO.File.WriteAllLines(path, props.Select(p => $"{p.Key}={p.Value}"));
        return path;
    }
}
