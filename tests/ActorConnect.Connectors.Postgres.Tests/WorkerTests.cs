using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>Kafka and PostgreSQL, shared by the tests that run a worker.</summary>
[CollectionDefinition("kafka")]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>;

/// <summary>The connector in a standalone worker, writing with JsonConverter into the real broker.</summary>
[Collection("kafka")]
public sealed class WorkerTests(KafkaFixture kafka)
{
    private const string JsonConverter = "org.apache.kafka.connect.json.JsonConverter";

    /// <summary>A standalone worker with the connector, JsonConverter for keys and values (plus <paramref name="extra"/>) and offsets in <paramref name="dir"/>.</summary>
    internal static StandaloneWorker StartWorker(KafkaFixture kafka, string dir, string name, params (string Key, string Value)[] extra)
    {
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = kafka.BootstrapServers, ["key.converter"] = JsonConverter, ["value.converter"] = JsonConverter,
            ["offset.storage.file.filename"] = Path.Combine(dir, "connect.offsets"), ["offset.flush.interval.ms"] = "300",
        };
        foreach (var (k, v) in kafka.WorkerBrokerSettings().Concat(extra.Select(e => KeyValuePair.Create(e.Key, e.Value))))
        {
            props[k] = v;
        }

        return StandaloneWorker.Start(WorkerConfig.ParseStandalone(props), null, name, typeof(PostgresConnector).Assembly);
    }

    /// <summary>Creates the connector by Debezium's class name under the name <paramref name="prefix"/>, and waits for its slot.</summary>
    private static async Task CreateDebeziumConnectorAsync(StandaloneWorker worker, CdcDatabase db, string prefix)
    {
        var config = db.Config(prefix);
        config["name"] = prefix;
        config["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector";
        await worker.CreateConnectorAsync(config);
        await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() is not null, TimeSpan.FromMinutes(1), "the task created the slot");
    }

    [Fact]
    public async Task A_Debezium_config_streams_inserts_updates_and_deletes_into_Kafka_and_stores_Debezium_offsets()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)");
        var prefix = KafkaFixture.UniqueName("cdc").Replace('-', '_');
        var topic = prefix + ".public.customers";
        await kafka.CreateTopicAsync(topic, 1);
        var dir = RepoPaths.NewTempDirectory("cdc-worker");
        var worker = StartWorker(kafka, dir, "cdc-test-worker");
        try
        {
            await CreateDebeziumConnectorAsync(worker, db, prefix);

            await db.ExecAsync("INSERT INTO customers VALUES (1, 'a@example.com'); UPDATE customers SET email = 'b@example.com' WHERE id = 1; DELETE FROM customers WHERE id = 1");

            var messages = await kafka.ConsumeAllAsync(topic, 4, TimeSpan.FromMinutes(1));
            Assert.Equal(4, messages.Count);
            Assert.All(messages, m => Assert.Equal("""{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"PLACEHOLDER.Key"},"payload":{"id":1}}""".Replace("PLACEHOLDER", topic, StringComparison.Ordinal),
                Encoding.UTF8.GetString(m.Message.Key!)));
            var values = messages.Take(3).Select(m => JsonNode.Parse(m.Message.Value!)!["payload"]!).ToList();
            Assert.Equal(["c", "u", "d"], values.Select(v => (string)v["op"]!));
            Assert.Equal(["a@example.com", "b@example.com", null], values.Select(v => (string?)v["after"]?["email"]));
            Assert.Null(messages[3].Message.Value);

            // The offset of the last record is stored in Debezium's shape, and the slot follows it.
            var lastLsn = (long)values[2]["source"]!["lsn"]!;
            Runtime.Model.ConnectorOffset? stored = null;
            await Eventually.AssertAsync(async () =>
            {
                var offsets = await worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(prefix));
                stored = offsets.Offsets.SingleOrDefault();
                return stored?.Offset is { } o && Convert.ToInt64(o["lsn"]) == lastLsn;
            }, TimeSpan.FromMinutes(1), "the last record's offset is stored");
            Assert.Equal(prefix, stored!.Partition["server"]);
            Assert.Equal(["lsn", "lsn_commit", "lsn_proc", "ts_usec", "txId"], stored.Offset!.Keys.Order());
            var commit = Convert.ToUInt64(stored.Offset["lsn_commit"]);
            await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() > commit, TimeSpan.FromMinutes(1), "the slot is confirmed past the stored transaction");
        }
        finally
        {
            await worker.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task An_offset_altered_while_the_connector_is_STOPPED_is_where_streaming_resumes()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE items (id int PRIMARY KEY)");
        var prefix = KafkaFixture.UniqueName("cdc-alter").Replace('-', '_');
        var topic = prefix + ".public.items";
        await kafka.CreateTopicAsync(topic, 1);
        var dir = RepoPaths.NewTempDirectory("cdc-alter");
        var worker = StartWorker(kafka, dir, "cdc-alter-worker");
        try
        {
            await CreateDebeziumConnectorAsync(worker, db, prefix);
            await db.ExecAsync("INSERT INTO items VALUES (1)");
            await kafka.ConsumeAllAsync(topic, 1, TimeSpan.FromMinutes(1));

            await worker.SetTargetStateAsync(prefix, Runtime.Model.TargetState.Stopped);
            // Row 2 commits before the position the operator sets, row 3 after it: the resumed task skips row 2 only.
            await db.ExecAsync("INSERT INTO items VALUES (2)");
            var position = await db.ScalarAsync<long>("SELECT (pg_current_wal_lsn() - '0/0')::bigint");
            await db.ExecAsync("INSERT INTO items VALUES (3)");
            var altered = new Dictionary<string, object?> { ["lsn"] = position, ["lsn_proc"] = position, ["lsn_commit"] = position, ["txId"] = 0L, ["ts_usec"] = 0L };
            await worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.AlterOffsets(prefix,
                [new Runtime.Model.ConnectorOffset(new Dictionary<string, object?> { ["server"] = prefix }, altered)]));
            var read = (await worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(prefix))).Offsets.Single();
            Assert.Equal(position, Convert.ToInt64(read.Offset!["lsn_commit"]));

            await worker.SetTargetStateAsync(prefix, Runtime.Model.TargetState.Started);
            var messages = await kafka.ConsumeAllAsync(topic, 2, TimeSpan.FromMinutes(1));
            Assert.Equal([1, 3], messages.Select(m => (int)JsonNode.Parse(m.Message.Value!)!["payload"]!["after"]!["id"]!));
        }
        finally
        {
            await worker.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
