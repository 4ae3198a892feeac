using System.Text.Json.Nodes;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.Converters;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// The records of inserts, updates and deletes, field by field against Debezium's documented change events for its
/// sample table <c>customers (id SERIAL PRIMARY KEY, first_name, last_name, email VARCHAR(255) NOT NULL)</c>.
/// </summary>
public sealed class EnvelopeTests
{
    private const string Table = "CREATE TABLE customers (id SERIAL, first_name VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL, PRIMARY KEY (id))";

    [Fact]
    public async Task An_insert_is_a_create_event_with_Debeziums_key_envelope_source_and_offset()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Table);
        using var task = new TaskRunner(db.Config("PostgreSQL_server"));
        task.PollOnce();
        var txId = await db.ScalarAsync<long>(
            "WITH i AS (INSERT INTO customers (first_name, last_name, email) VALUES ('Anne', 'Kretchmar', 'annek@noanswer.org') RETURNING id) SELECT txid_current()");

        var record = Assert.Single(await task.PollAsync(1));
        Assert.Equal("PostgreSQL_server.public.customers", record.Topic);
        Assert.Equal("PostgreSQL_server.public.customers.Key", record.KeySchema!.Name);
        Assert.Equal(["id"], record.KeySchema.Fields.Select(f => f.Name));
        Assert.Equal(1, ((Struct)record.Key!).Get("id"));

        var json = ToJson(record);
        var schema = json["schema"]!;
        Assert.Equal("PostgreSQL_server.public.customers.Envelope", (string)schema["name"]!);
        Assert.False((bool)schema["optional"]!);
        Assert.Equal(["before", "after", "source", "op", "ts_ms", "ts_us", "ts_ns", "transaction"], Fields(schema).Select(f => (string)f["field"]!));
        var after = Field(schema, "after");
        Assert.Equal(("struct", true, "PostgreSQL_server.public.customers.Value"), ((string)after["type"]!, (bool)after["optional"]!, (string)after["name"]!));
        Assert.Equal("""[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":false,"field":"first_name"},{"type":"string","optional":false,"field":"last_name"},{"type":"string","optional":false,"field":"email"}]""",
            after["fields"]!.ToJsonString());
        var source = Field(schema, "source");
        Assert.Equal(("io.debezium.connector.postgresql.Source", false), ((string)source["name"]!, (bool)source["optional"]!));
        Assert.Equal(["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin"],
            Fields(source).Select(f => (string)f["field"]!));
        Assert.Equal(["string", "string", "string", "int64", "string", "string", "string", "int64", "int64", "string", "string", "int64", "int64", "int64"],
            Fields(source).Select(f => (string)f["type"]!));
        Assert.Equal([false, false, false, false, true, false, true, true, true, false, false, true, true, true], Fields(source).Select(f => (bool)f["optional"]!));
        var snapshot = Field(source, "snapshot");
        Assert.Equal(("io.debezium.data.Enum", "false"), ((string)snapshot["name"]!, (string)snapshot["default"]!));
        Assert.Equal(("string", false), ((string)Field(schema, "op")["type"]!, (bool)Field(schema, "op")["optional"]!));
        Assert.Equal(("event.block", true), ((string)Field(schema, "transaction")["name"]!, (bool)Field(schema, "transaction")["optional"]!));

        var payload = json["payload"]!;
        Assert.Null(payload["before"]);
        Assert.Equal("""{"id":1,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"}""", payload["after"]!.ToJsonString());
        Assert.Equal("c", (string)payload["op"]!);
        Assert.Null(payload["transaction"]);
        var src = payload["source"]!;
        Assert.Equal(("postgresql", "PostgreSQL_server", db.Name, "public", "customers", "false", txId),
            ((string)src["connector"]!, (string)src["name"]!, (string)src["db"]!, (string)src["schema"]!, (string)src["table"]!, (string)src["snapshot"]!, (long)src["txId"]!));
        Assert.Null(src["xmin"]);
        Assert.Equal(PostgresConnector.AssemblyVersion, (string)src["version"]!);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)src["ts_ms"]!, 0, 600_000);
        Assert.Equal((long)src["ts_ms"]! * 1000, (long)src["ts_us"]! / 1000 * 1000);
        Assert.True((long)payload["ts_ms"]! >= (long)src["ts_ms"]!, "the event is processed after its commit");

        // The offset is Debezium's: the change's LSN, its transaction's commit LSN and id, the commit time in µs.
        Assert.Equal(new Dictionary<string, object?> { ["server"] = "PostgreSQL_server" }, record.SourcePartition);
        Assert.Equal(["lsn", "lsn_commit", "lsn_proc", "ts_usec", "txId"], record.SourceOffset!.Keys.Order());
        Assert.Equal((long)src["lsn"]!, record.SourceOffset["lsn"]);
        Assert.Equal(txId, record.SourceOffset["txId"]);
        Assert.Equal((long)src["ts_us"]!, record.SourceOffset["ts_usec"]);
        Assert.True((long)record.SourceOffset["lsn_commit"]! >= (long)record.SourceOffset["lsn"]!);
        Assert.Equal($"[\"{record.SourceOffset["lsn_proc"]}\",\"{record.SourceOffset["lsn"]}\"]", (string)src["sequence"]!);
    }

    [Fact]
    public async Task Under_replica_identity_default_an_update_has_no_before_and_a_delete_carries_the_key_then_a_tombstone()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Table + "; INSERT INTO customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org')");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("UPDATE customers SET first_name = 'Anne Marie' WHERE id = 1; DELETE FROM customers WHERE id = 1");

        var records = await task.PollAsync(3);
        Assert.Equal(3, records.Count);
        var (update, delete, tombstone) = (ToJson(records[0])["payload"]!, ToJson(records[1])["payload"]!, records[2]);
        Assert.Equal("u", (string)update["op"]!);
        Assert.Null(update["before"]);
        Assert.Equal("Anne Marie", (string)update["after"]!["first_name"]!);

        Assert.Equal("d", (string)delete["op"]!);
        Assert.Null(delete["after"]);
        // The WAL carries the key only; Debezium fills the other NOT NULL columns with their type's empty value.
        Assert.Equal("""{"id":1,"first_name":"","last_name":"","email":""}""", delete["before"]!.ToJsonString());

        Assert.Equal(1, ((Struct)tombstone.Key!).Get("id"));
        Assert.Null(tombstone.Value);
        Assert.Null(tombstone.ValueSchema);
        // The delete shares its LSN with the tombstone after it: it carries the change before's offset, so a restart
        // after storing it sends the tombstone again rather than skipping it; the tombstone carries the delete's LSN.
        Assert.Equal(records[0].SourceOffset!["lsn"], records[1].SourceOffset!["lsn"]);
        Assert.Equal((long)((Struct)((Struct)records[1].Value!).Get("source")!).Get("lsn")!, tombstone.SourceOffset!["lsn"]);
    }

    [Fact]
    public async Task Under_replica_identity_full_an_update_and_a_delete_carry_the_whole_old_row_in_before()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Table + "; ALTER TABLE customers REPLICA IDENTITY FULL; INSERT INTO customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org')");
        using var task = new TaskRunner(db.Config("srv", ("tombstones.on.delete", "false")));
        task.PollOnce();
        await db.ExecAsync("UPDATE customers SET first_name = 'Anne Marie' WHERE id = 1; DELETE FROM customers WHERE id = 1");

        var records = await task.PollAsync(2);
        Assert.Equal(2, records.Count);
        Assert.Equal("""{"id":1,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"}""", ToJson(records[0])["payload"]!["before"]!.ToJsonString());
        Assert.Equal("""{"id":1,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org"}""", ToJson(records[1])["payload"]!["before"]!.ToJsonString());
        Assert.Equal("d", (string)ToJson(records[1])["payload"]!["op"]!);
    }

    [Fact]
    public async Task A_changed_primary_key_is_a_delete_of_the_old_key_and_a_create_of_the_new_one()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Table + "; INSERT INTO customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org')");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("UPDATE customers SET id = 2 WHERE id = 1");

        var records = await task.PollAsync(3);
        Assert.Equal([("d", 1), (null, 1), ("c", 2)], records.Select(r => ((r.Value as Struct)?.Get("op") as string, (int)((Struct)r.Key!).Get("id")!)));
    }

    [Fact]
    public async Task Tables_left_out_by_the_include_list_and_skipped_operations_produce_no_records()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)");
        using var task = new TaskRunner(db.Config("srv", ("table.include.list", "public\\.b"), ("skipped.operations", "u")));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO a VALUES (1); INSERT INTO b VALUES (1); UPDATE b SET id = id; DELETE FROM b; INSERT INTO b VALUES (2)");

        var records = await task.PollAsync(4);
        Assert.Equal([("c", 1), ("d", 1), ("c", 2)], records.Where(r => r.Value is not null).Select(r => ((string)((Struct)r.Value!).Get("op")!, (int)((Struct)r.Key!).Get("id")!)));
        Assert.All(records, r => Assert.Equal("srv.public.b", r.Topic));
    }

    [Fact]
    public async Task A_column_added_mid_stream_appears_in_the_records_after_it()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY)");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO t VALUES (1); ALTER TABLE t ADD COLUMN note text NOT NULL DEFAULT 'n'; INSERT INTO t VALUES (2, 'two')");

        var records = await task.PollAsync(2);
        Assert.Equal(["id"], ((Struct)((Struct)records[0].Value!).Get("after")!).Schema.Fields.Select(f => f.Name));
        var after = (Struct)((Struct)records[1].Value!).Get("after")!;
        Assert.Equal(["id", "note"], after.Schema.Fields.Select(f => f.Name));
        Assert.Equal("two", after.Get("note"));
        Assert.False(after.Schema.Field("note")!.Schema.IsOptional);
    }

    [Fact]
    public async Task A_TOASTed_value_an_update_left_unchanged_reads_Debeziums_placeholder()
    {
        await using var db = await CdcDatabase.CreateAsync();
        // Random text does not compress, so 10 kB of it is stored out of line (TOASTed).
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, big text, n int); " +
                           "INSERT INTO t SELECT 1, string_agg(md5(random()::text), '') FROM generate_series(1, 320)");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("UPDATE t SET n = 1 WHERE id = 1");

        var after = (Struct)((Struct)Assert.Single(await task.PollAsync(1)).Value!).Get("after")!;
        Assert.Equal("__debezium_unavailable_value", after.Get("big"));
        Assert.Equal(1, after.Get("n"));
    }

    private static JsonNode ToJson(SourceRecord record)
    {
        var converter = new JsonConverter();
        converter.Configure(new Dictionary<string, string> { ["schemas.enable"] = "true" }, isKey: false);
        return JsonNode.Parse(converter.FromConnectData(record.Topic, ConnectHeaders.Empty, record.ValueSchema, record.Value)!)!;
    }

    private static IEnumerable<JsonNode> Fields(JsonNode schema) => schema["fields"]!.AsArray().Select(f => f!);

    private static JsonNode Field(JsonNode schema, string name) => Fields(schema).Single(f => (string)f["field"]! == name);
}
