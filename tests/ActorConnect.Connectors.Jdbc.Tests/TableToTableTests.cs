using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>Table -> Kafka -> table through the real runtime, the real broker and real PostgreSQL.</summary>
[Collection("jdbc")]
public sealed class TableToTableTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Hundred_thousand_rows_copied_incrementing_then_upserted_leave_equal_tables()
    {
        const int rows = 100_000;
        var db = new Db(await postgres.CreateDatabaseAsync("bulk100k"));
        await db.ExecAsync(
            "CREATE TABLE src (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created timestamptz NOT NULL); " +
            $"INSERT INTO src SELECT g, 'name-' || g, (g % 100000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, {rows}) g;");
        var prefix = KafkaFixture.UniqueName("jdbc100k") + "-";
        var topic = prefix + "src";
        await kafka.CreateTopicAsync(topic, 1);

        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(
            ("name", prefix + "source"), ("connector.class", "io.confluent.connect.jdbc.JdbcSourceConnector"), ("tasks.max", "1"),
            ("connection.url", db.JdbcUrl), ("mode", "incrementing"), ("incrementing.column.name", "id"),
            ("table.whitelist", "src"), ("topic.prefix", prefix), ("batch.max.rows", "2000"), ("poll.interval.ms", "500"));
        await worker.CreateAsync(
            ("name", prefix + "sink"), ("connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"), ("tasks.max", "1"), ("topics", topic),
            ("connection.url", db.ConnectionString), ("table.name.format", "dst"), ("insert.mode", "upsert"),
            ("pk.mode", "record_value"), ("pk.fields", "id"), ("auto.create", "true"));

        var started = DateTime.UtcNow;
        await worker.WaitForAsync(async () => await db.CountAsync("dst") >= rows, TimeSpan.FromMinutes(5), "all rows reach the sink table", prefix + "source", prefix + "sink");
        output.WriteLine($"{rows} rows table -> Kafka -> table in {(DateTime.UtcNow - started).TotalSeconds:F1} s");

        var srcOnly = await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT id, name, amount, created AT TIME ZONE 'UTC' FROM src EXCEPT SELECT id, name, amount, created FROM dst) x");
        var dstOnly = await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT id, name, amount, created FROM dst EXCEPT SELECT id, name, amount, created AT TIME ZONE 'UTC' FROM src) x");
        Assert.Equal(0, srcOnly);
        Assert.Equal(0, dstOnly);
        Assert.Equal(rows, await db.CountAsync("dst"));
    }
}
