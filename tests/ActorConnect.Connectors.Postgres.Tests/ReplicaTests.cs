using ActorConnect.Connectors.Jdbc;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// The replica pipeline Debezium users run: the CDC connector into Kafka, then the JDBC sink with
/// ExtractNewRecordState (upsert, deletes, keys from the record key) into a second database, in one standalone worker.
/// </summary>
[Collection("kafka")]
public sealed class ReplicaTests(KafkaFixture kafka)
{
    private const string JsonConverter = "org.apache.kafka.connect.json.JsonConverter";

    // Each table with its primary key: the replica is compared row for row, ordered by it.
    private static readonly (string Table, string Columns, string OrderBy)[] Tables =
    [
        ("customers", "id, email, score, active, visits", "id"),
        ("order_lines", "order_id, line, sku, qty", "order_id, line"),
        ("notes", "id, body", "id"),
    ];

    [Fact]
    public async Task The_replica_equals_the_source_after_a_snapshot_and_inserts_updates_deletes_and_key_changes()
    {
        await using var source = await CdcDatabase.CreateAsync();
        await using var replica = await CdcDatabase.CreateAsync();
        await source.ExecAsync("""
            CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, score numeric(10,2), active boolean, visits bigint);
            CREATE TABLE order_lines (order_id int, line int, sku text NOT NULL, qty int NOT NULL, PRIMARY KEY (order_id, line));
            CREATE TABLE notes (id bigint PRIMARY KEY, body text);
            ALTER TABLE notes REPLICA IDENTITY FULL;
            INSERT INTO customers VALUES (1, 'a@example.com', 12.50, true, 3), (2, 'b@example.com', NULL, false, NULL);
            INSERT INTO order_lines VALUES (10, 1, 'pen', 2), (10, 2, 'ink', 1);
            INSERT INTO notes VALUES (100, 'first');
            """);
        var prefix = KafkaFixture.UniqueName("replica").Replace('-', '_');
        foreach (var (table, _, _) in Tables)
        {
            await kafka.CreateTopicAsync($"{prefix}.public.{table}", 1);
        }

        var dir = RepoPaths.NewTempDirectory("cdc-replica");
        var worker = StartWorker(dir);
        try
        {
            // Heartbeats too, into their own topic, which the sink does not read.
            var cdc = source.Config(prefix, ("snapshot.mode", "initial"), ("table.include.list", "public\\.(customers|order_lines|notes)"), ("heartbeat.interval.ms", "200"));
            cdc["name"] = prefix + "-source";
            cdc["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector";
            await worker.CreateConnectorAsync(cdc);
            await worker.CreateConnectorAsync(new Dictionary<string, string>
            {
                ["name"] = prefix + "-sink",
                ["connector.class"] = "io.confluent.connect.jdbc.JdbcSinkConnector",
                ["topics"] = string.Join(",", Tables.Select(t => $"{prefix}.public.{t.Table}")),
                ["connection.url"] = replica.ConnectionString,
                ["insert.mode"] = "upsert",
                ["pk.mode"] = "record_key",
                ["delete.enabled"] = "true",
                ["auto.create"] = "true",
                ["transforms"] = "unwrap,route",
                ["transforms.unwrap.type"] = "io.debezium.transforms.ExtractNewRecordState",
                ["transforms.unwrap.delete.tombstone.handling.mode"] = "tombstone",
                ["transforms.route.type"] = "org.apache.kafka.connect.transforms.RegexRouter",
                ["transforms.route.regex"] = "[^.]+\\.[^.]+\\.(.+)",
                ["transforms.route.replacement"] = "$1",
            });

            await ReplicaEqualsSourceAsync(worker, prefix, source, replica, "after the snapshot");

            await source.ExecAsync("""
                INSERT INTO customers VALUES (3, 'c@example.com', 0.01, NULL, 9000000000);
                UPDATE customers SET email = 'a2@example.com', score = score + 1 WHERE id = 1;
                INSERT INTO order_lines VALUES (11, 1, 'pad', 5);
                """);
            await source.ExecAsync("DELETE FROM customers WHERE id = 2");
            await source.ExecAsync("UPDATE customers SET id = 20 WHERE id = 3");
            await source.ExecAsync("UPDATE order_lines SET line = 3, qty = 4 WHERE order_id = 10 AND line = 2");
            await source.ExecAsync("DELETE FROM order_lines WHERE order_id = 10 AND line = 1");
            await source.ExecAsync("""
                BEGIN;
                UPDATE notes SET body = 'edited' WHERE id = 100;
                INSERT INTO notes VALUES (101, 'second'), (102, NULL);
                DELETE FROM notes WHERE id = 101;
                INSERT INTO notes VALUES (101, 'again');
                COMMIT;
                """);
            await source.ExecAsync("DELETE FROM notes WHERE id = 100");

            await ReplicaEqualsSourceAsync(worker, prefix, source, replica, "after inserts, updates, deletes and key changes");
            var heartbeat = (await kafka.ConsumeAllAsync("__debezium-heartbeat." + prefix, 1, TimeSpan.FromMinutes(1)))[0];
            Assert.Equal(prefix, (string?)System.Text.Json.Nodes.JsonNode.Parse(heartbeat.Message.Key!)!["payload"]!["serverName"]);
            Assert.Equal("""[{"id":101,"body":"again"}, {"id":102,"body":null}]""", (await RowsAsync(replica, Tables[2])).Replace("\n ", "", StringComparison.Ordinal));
        }
        finally
        {
            await worker.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private StandaloneWorker StartWorker(string dir)
    {
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = kafka.BootstrapServers, ["key.converter"] = JsonConverter, ["value.converter"] = JsonConverter,
            ["offset.storage.file.filename"] = Path.Combine(dir, "connect.offsets"), ["offset.flush.interval.ms"] = "300",
            ["consumer.session.timeout.ms"] = "10000",
        };
        foreach (var (k, v) in kafka.WorkerBrokerSettings())
        {
            props[k] = v;
        }

        return StandaloneWorker.Start(WorkerConfig.ParseStandalone(props), null, "cdc-replica-worker", typeof(PostgresConnector).Assembly, typeof(JdbcSinkConnector).Assembly);
    }

    private static async Task ReplicaEqualsSourceAsync(StandaloneWorker worker, string prefix, CdcDatabase source, CdcDatabase replica, string when)
    {
        var last = "";
        try
        {
            await Eventually.AssertAsync(async () =>
            {
                foreach (var name in new[] { prefix + "-source", prefix + "-sink" })
                {
                    var status = await worker.StatusAsync(name);
                    if (status.HasFailedTasks || status.State == ConnectState.Failed)
                    {
                        throw new Xunit.Sdk.XunitException($"{name} failed {when}: {string.Join("; ", status.Tasks.Select(t => t.Trace))}");
                    }
                }

                foreach (var table in Tables)
                {
                    var expected = await RowsAsync(source, table);
                    var actual = await ReplicaRowsAsync(replica, table);
                    if (expected != actual)
                    {
                        last = $"{table.Table}: source {expected}, replica {actual}";
                        return false;
                    }
                }

                return true;
            }, TimeSpan.FromMinutes(2), when, TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"The replica never equalled the source {when}; last difference: {last}");
        }
    }

    private static async Task<string> RowsAsync(CdcDatabase db, (string Table, string Columns, string OrderBy) table) =>
        await db.ScalarAsync<string>($"SELECT coalesce(json_agg(r ORDER BY {table.OrderBy})::text, '[]') FROM (SELECT {table.Columns} FROM {table.Table}) r") ?? "[]";

    // Before the sink created the table there is nothing to compare.
    private static async Task<string> ReplicaRowsAsync(CdcDatabase db, (string Table, string Columns, string OrderBy) table) =>
        await db.ScalarAsync<bool>($"SELECT to_regclass('public.{table.Table}') IS NOT NULL") ? await RowsAsync(db, table) : "(no table)";
}
