using System.Text;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>The sink's other key modes and insert modes.</summary>
[Collection("jdbc")]
public sealed class SinkModeTests(KafkaFixture kafka, PostgresFixture postgres)
{
    private const string Schema = """{"type":"struct","optional":false,"fields":[{"field":"id","type":"int32","optional":false},{"field":"name","type":"string","optional":true},{"field":"secret","type":"string","optional":true}]}""";

    [Fact]
    public async Task Kafka_coordinates_as_the_key_with_a_fields_whitelist()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("pkkafka"));
        var topic = KafkaFixture.UniqueName("jdbcpk");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, [Value(1, "a"), Value(1, "a"), Value(2, "b")], 0);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("pk.mode", "kafka"), ("auto.create", "true"), ("fields.whitelist", "id,name"), ("table.name.format", "kafka_${topic}"));
        var table = "kafka_" + topic;
        await worker.WaitForAsync(async () => await db.CountAsync(table) == 3, TimeSpan.FromMinutes(1), "three rows, one per Kafka offset", topic);
        Assert.Equal(
            [$"({topic},0,0,1,a)", $"({topic},0,1,1,a)", $"({topic},0,2,2,b)"],
            await db.RowsAsync($"SELECT __connect_topic, __connect_partition, __connect_offset, id, name FROM \"{table}\" ORDER BY __connect_offset"));
        Assert.Equal(0, await db.ScalarAsync<long>($"SELECT count(*) FROM information_schema.columns WHERE table_name = '{table}' AND column_name = 'secret'"));
    }

    [Fact]
    public async Task Update_mode_changes_existing_rows_only()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("update"));
        await db.ExecAsync("CREATE TABLE people (id int PRIMARY KEY, name text, secret text); INSERT INTO people VALUES (1, 'old', 's1'), (2, 'keep', 's2');");
        var topic = KafkaFixture.UniqueName("jdbcupd");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, [Value(1, "new"), Value(3, "absent"), Value(1, "newest")], 0);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("insert.mode", "update"), ("pk.mode", "record_value"), ("pk.fields", "id"), ("table.name.format", "people"));
        await worker.WaitForAsync(async () => await db.ScalarAsync<string>("SELECT name FROM people WHERE id = 1") == "newest", TimeSpan.FromMinutes(1), "row 1 updated", topic);
        Assert.Equal(["(1,newest,x)", "(2,keep,s2)"], await db.RowsAsync("SELECT * FROM people ORDER BY id"));
    }

    private static (byte[]? Key, byte[]? Value) Value(int id, string name) =>
        (null, Encoding.UTF8.GetBytes("{\"schema\":" + Schema + ",\"payload\":{\"id\":" + id + ",\"name\":\"" + name + "\",\"secret\":\"x\"}}"));
}
