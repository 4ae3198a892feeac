using System.Text.Json.Nodes;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>An incremental snapshot through a standalone worker into the real broker, the topic read back at the end.</summary>
[Collection("kafka")]
public sealed class IncrementalSnapshotWorkerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task In_Kafka_every_row_of_a_table_updated_during_its_incremental_snapshot_ends_as_the_table_has_it()
    {
        const int rows = 2000;
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL); " +
                           $"INSERT INTO t SELECT g, 0 FROM generate_series(1, {rows}) g");
        var prefix = KafkaFixture.UniqueName("cdc").Replace('-', '_');
        var topic = prefix + ".public.t";
        await kafka.CreateTopicAsync(topic, 1);
        var dir = RepoPaths.NewTempDirectory("cdc-incremental");
        var worker = WorkerTests.StartWorker(kafka, dir, "cdc-incremental-worker", ("key.converter.schemas.enable", "false"), ("value.converter.schemas.enable", "false"));
        using var stop = new CancellationTokenSource();
        var updaters = new List<Task>();
        try
        {
            var config = db.Config(prefix, ("table.include.list", "public\\.t"), ("signal.data.collection", "public.dbz_signal"), ("incremental.snapshot.chunk.size", "40"));
            config["name"] = prefix;
            config["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector";
            await worker.CreateConnectorAsync(config);
            await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() is not null, TimeSpan.FromMinutes(1), "the task created the slot");

            updaters = IncrementalSnapshotTests.StartUpdaters(db, rows, stop.Token);
            await IncrementalSnapshotTests.Signal(db, "execute-snapshot", """{"data-collections": ["public.t"]}""");
            List<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> messages = [];
            await Eventually.AssertAsync(async () =>
            {
                messages = await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromSeconds(30));
                return messages.Any(m => Id(m) == rows && Op(m) == "r");
            }, TimeSpan.FromMinutes(2), "the snapshot's last row (the table's last, never deleted) is in the topic");
            await stop.CancelAsync();
            await Task.WhenAll(updaters);
            await db.ExecAsync($"INSERT INTO t VALUES ({rows + 1}, -1)");
            await Eventually.AssertAsync(async () =>
            {
                messages = await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromSeconds(30));
                return messages.Count > 0 && Id(messages[^1]) == rows + 1;
            }, TimeSpan.FromMinutes(1), "the last insert is in the topic");
            // Its offset, stored, no longer carries the snapshot: it is over.
            await Eventually.AssertAsync(async () =>
            {
                var offsets = await worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(prefix));
                return offsets.Offsets.SingleOrDefault()?.Offset is { } offset && offset.ContainsKey("lsn_commit") && !offset.ContainsKey("incremental_snapshot_collections");
            }, TimeSpan.FromMinutes(1), "the stored offset does not carry the snapshot any more");

            var last = new Dictionary<int, int?>();
            var snapshotRows = 0;
            foreach (var message in messages)
            {
                snapshotRows += Op(message) == "r" ? 1 : 0;
                var v = message.Message.Value is null ? null : (int?)JsonNode.Parse(message.Message.Value)!["after"]?["v"];
                // v only ever grows: a smaller one after a larger is a stale snapshot row after a newer update.
                Assert.False(v < last.GetValueOrDefault(Id(message)), $"row {Id(message)}: v={v} after v={last.GetValueOrDefault(Id(message))} ({Op(message)})");
                last[Id(message)] = v;
            }

            Assert.True(snapshotRows > 0, "snapshot rows reached the topic");
            var final = await IncrementalSnapshotTests.TableAsync(db);
            Assert.Equal(final.OrderBy(kv => kv.Key).Select(kv => (kv.Key, (int?)kv.Value)),
                last.Where(kv => kv.Value is not null).OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(updaters);
            await worker.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Op(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> message) =>
        message.Message.Value is null ? null : (string?)JsonNode.Parse(message.Message.Value)!["op"];

    private static int Id(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> message) => (int)JsonNode.Parse(message.Message.Key!)!["id"]!;
}
