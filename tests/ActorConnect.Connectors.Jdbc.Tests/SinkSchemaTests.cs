using System.Text;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>The sink creates and evolves its table from the record schemas and turns tombstones into deletes.</summary>
[Collection("jdbc")]
public sealed class SinkSchemaTests(KafkaFixture kafka, PostgresFixture postgres)
{
    private const string KeySchema = """{"type":"struct","optional":false,"fields":[{"field":"id","type":"int64","optional":false}]}""";
    private const string V1Schema = """{"type":"struct","optional":false,"name":"person","fields":[{"field":"id","type":"int64","optional":false},{"field":"name","type":"string","optional":false}]}""";
    private const string V2Schema = """{"type":"struct","optional":false,"name":"person","fields":[{"field":"id","type":"int64","optional":false},{"field":"name","type":"string","optional":false},{"field":"email","type":"string","optional":true}]}""";

    [Fact]
    public async Task Auto_create_then_auto_evolve_on_a_new_field_and_tombstones_delete_rows()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("evolve"));
        var topic = KafkaFixture.UniqueName("jdbcevolve");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(
            ("name", topic + "-sink"), ("connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("insert.mode", "upsert"), ("pk.mode", "record_key"), ("pk.fields", "id"), ("auto.create", "true"), ("auto.evolve", "true"),
            ("delete.enabled", "true"), ("table.name.format", "people_${topic}"));
        var table = "people_" + topic;

        await kafka.ProduceAsync(topic, [Row(1, V1Schema, """{"id":1,"name":"ann"}"""), Row(2, V1Schema, """{"id":2,"name":"bob"}"""), Row(3, V1Schema, """{"id":3,"name":"cy"}""")], 0);
        await worker.WaitForAsync(async () => await db.CountAsync(table) == 3, TimeSpan.FromMinutes(2), "auto.create makes the table", topic + "-sink");
        Assert.Equal(["(id)", "(name)"], await db.RowsAsync($"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position"));

        await kafka.ProduceAsync(topic, [
            Row(4, V2Schema, """{"id":4,"name":"dee","email":"dee@example.com"}"""),
            Row(2, V2Schema, """{"id":2,"name":"bob","email":"bob@example.com"}"""),
            (Key(1), null),
            Row(5, V2Schema, """{"id":5,"name":"eve","email":null}"""),
        ], 0);
        await worker.WaitForAsync(async () => await db.CountAsync(table) == 4 && await db.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\" WHERE id = 5") == 1,
            TimeSpan.FromMinutes(2), "the new field becomes a column and the tombstone deletes row 1", topic + "-sink");

        Assert.Equal(
            ["(2,bob,bob@example.com)", "(3,cy,)", "(4,dee,dee@example.com)", "(5,eve,)"],
            await db.RowsAsync($"SELECT id, name, email FROM \"{table}\" ORDER BY id"));
        Assert.Equal(1, await db.ScalarAsync<long>($"SELECT count(*) FROM information_schema.table_constraints WHERE table_name = '{table}' AND constraint_type = 'PRIMARY KEY'"));
    }

    internal static byte[] Key(long id) => Encoding.UTF8.GetBytes("{\"schema\":" + KeySchema + ",\"payload\":{\"id\":" + id + "}}");

    private static (byte[]? Key, byte[]? Value) Row(long id, string schema, string payload) =>
        (Key(id), Encoding.UTF8.GetBytes("{\"schema\":" + schema + ",\"payload\":" + payload + "}"));
}
