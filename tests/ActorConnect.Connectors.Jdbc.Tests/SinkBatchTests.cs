using System.Text;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>What one put() batch of the sink does with repeated keys, tombstones, every column type and a bad row.</summary>
[Collection("jdbc")]
public sealed class SinkBatchTests(KafkaFixture kafka, PostgresFixture postgres)
{
    private const string PersonSchema = """{"type":"struct","optional":false,"fields":[{"field":"id","type":"int64","optional":false},{"field":"name","type":"string","optional":true},{"field":"qty","type":"int32","optional":true}]}""";

    /// <summary>Every Connect type the sink writes, logical types included, all optional.</summary>
    private const string TypesSchema = """
        {"type":"struct","optional":false,"fields":[
          {"field":"id","type":"int64","optional":false},
          {"field":"c_int8","type":"int8","optional":true},
          {"field":"c_int16","type":"int16","optional":true},
          {"field":"c_int32","type":"int32","optional":true},
          {"field":"c_int64","type":"int64","optional":true},
          {"field":"c_float32","type":"float","optional":true},
          {"field":"c_float64","type":"double","optional":true},
          {"field":"c_boolean","type":"boolean","optional":true},
          {"field":"c_string","type":"string","optional":true},
          {"field":"c_bytes","type":"bytes","optional":true},
          {"field":"c_decimal","type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"3"}},
          {"field":"c_date","type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1},
          {"field":"c_time","type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1},
          {"field":"c_timestamp","type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1}]}
        """;

    /// <summary>The columns' text, with the instant in UTC whatever the column's type, so both tables compare alike.</summary>
    private const string TypesQuery =
        "SELECT id, c_int8, c_int16, c_int32, c_int64, c_float32, c_float64, c_boolean, c_string, encode(c_bytes, 'hex'), c_decimal, c_date, c_time, " +
        "to_char(c_timestamp::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM {0} ORDER BY id";

    [Fact]
    public async Task Repeated_keys_in_one_batch_leave_the_last_record_and_a_delete_between_them_is_applied_in_order()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("batchkeys"));
        await db.ExecAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, qty int); INSERT INTO people VALUES (3, 'before', 0), (4, 'gone', 0);");
        var topic = KafkaFixture.UniqueName("jdbcbatch");
        await kafka.CreateTopicAsync(topic, 1);
        // Produced before the connector starts, so the first put() holds them all.
        await kafka.ProduceAsync(topic, [
            Person(1, "a1"), Person(2, "b1"), Person(1, "a2"), Person(3, "c1"),
            (SinkSchemaTests.Key(3), null), Person(3, "c2"), Person(1, "a3"),
            (SinkSchemaTests.Key(2), null), (SinkSchemaTests.Key(4), null), Person(5, "e1"),
        ], 0);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("insert.mode", "upsert"), ("pk.mode", "record_key"), ("delete.enabled", "true"), ("table.name.format", "people"));
        await worker.WaitForAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM people WHERE id = 5") == 1, TimeSpan.FromMinutes(1), "the last record lands", topic);
        Assert.Equal(["(1,a3,1)", "(3,c2,3)", "(5,e1,5)"], await db.RowsAsync("SELECT * FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Every_supported_type_and_null_arrive_by_insert_into_matching_columns_and_by_upsert_into_created_columns()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("batchtypes"));
        // Exactly the types the sink sends: the insert goes straight into this table.
        await db.ExecAsync(
            "CREATE TABLE exact (id bigint PRIMARY KEY, c_int8 smallint, c_int16 smallint, c_int32 integer, c_int64 bigint, c_float32 real, " +
            "c_float64 double precision, c_boolean boolean, c_string text, c_bytes bytea, c_decimal numeric, c_date date, c_time time, c_timestamp timestamptz)");
        var topic = KafkaFixture.UniqueName("jdbctypes");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, [
            Types(1, """{"id":1,"c_int8":-128,"c_int16":32767,"c_int32":-2147483648,"c_int64":9223372036854775807,"c_float32":3.25,"c_float64":-1.5E300,"c_boolean":true,"c_string":"héllo ✓ \"q\"","c_bytes":"AP8Q","c_decimal":"ALxhTg==","c_date":19782,"c_time":45296789,"c_timestamp":1709210096789}"""),
            Types(2, """{"id":2,"c_int8":null,"c_int16":null,"c_int32":null,"c_int64":null,"c_float32":null,"c_float64":null,"c_boolean":null,"c_string":null,"c_bytes":null,"c_decimal":null,"c_date":null,"c_time":null,"c_timestamp":null}"""),
            Types(3, """{"id":3,"c_int8":0,"c_int16":-1,"c_int32":0,"c_int64":-42,"c_float32":-0.5,"c_float64":0.0,"c_boolean":false,"c_string":"","c_bytes":"","c_decimal":"/w==","c_date":0,"c_time":0,"c_timestamp":0}"""),
        ], 0);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic + "-insert"), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("insert.mode", "insert"), ("table.name.format", "exact"));
        await worker.CreateAsync(("name", topic + "-upsert"), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("insert.mode", "upsert"), ("pk.mode", "record_value"), ("pk.fields", "id"), ("auto.create", "true"), ("table.name.format", "created"));
        await worker.WaitForAsync(async () => await db.CountAsync("exact") == 3 && await db.CountAsync("created") == 3, TimeSpan.FromMinutes(1),
            "both tables hold the three rows", topic + "-insert", topic + "-upsert");

        string[] expected =
        [
            "(1,-128,32767,-2147483648,9223372036854775807,3.25,-1.5e+300,t,\"héllo ✓ \"\"q\"\"\",00ff10,12345.678,2024-02-29,12:34:56.789,\"2024-02-29 12:34:56.789\")",
            "(2,,,,,,,,,,,,,)",
            "(3,0,-1,0,-42,-0.5,0,f,\"\",\"\",-0.001,1970-01-01,00:00:00,\"1970-01-01 00:00:00.000\")",
        ];
        Assert.Equal(expected, await db.RowsAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, TypesQuery, "exact")));
        Assert.Equal(expected, await db.RowsAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, TypesQuery, "created")));
    }

    [Fact]
    public async Task A_record_that_breaks_a_constraint_fails_the_task_naming_the_row_and_commits_nothing_of_its_batch()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("batchcheck"));
        await db.ExecAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, qty int CONSTRAINT qty_not_negative CHECK (qty >= 0))");
        var topic = KafkaFixture.UniqueName("jdbccheck");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, [Person(1, "ok"), Person(-7, "bad"), Person(2, "ok")], 0);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("insert.mode", "upsert"), ("pk.mode", "record_key"), ("table.name.format", "people"));
        var status = await worker.WaitForStatusAsync(topic, s => s.Tasks.Any(t => t.State == ConnectState.Failed));
        var trace = status.Tasks.Single().Trace ?? string.Empty;
        Assert.Contains("qty_not_negative", trace);
        Assert.Contains("(-7, bad, -7)", trace);
        Assert.Equal(0, await db.CountAsync("people"));
    }

    private static (byte[]? Key, byte[]? Value) Person(long id, string name) =>
        (SinkSchemaTests.Key(id), Encoding.UTF8.GetBytes("{\"schema\":" + PersonSchema + ",\"payload\":{\"id\":" + id + ",\"name\":\"" + name + "\",\"qty\":" + id + "}}"));

    private static (byte[]? Key, byte[]? Value) Types(long id, string payload) =>
        (SinkSchemaTests.Key(id), Encoding.UTF8.GetBytes("{\"schema\":" + TypesSchema + ",\"payload\":" + payload + "}"));
}
