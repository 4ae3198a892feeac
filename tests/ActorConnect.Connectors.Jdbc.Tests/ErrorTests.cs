using System.Text;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;
using Confluent.Kafka;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>Each failure a user meets first says what is wrong and which setting fixes it.</summary>
[Collection("jdbc")]
public sealed class ErrorTests(KafkaFixture kafka, PostgresFixture postgres)
{
    /// <summary>A loopback port nothing listens on: a database that is down.</summary>
    private const string DownUrl = "jdbc:postgresql://127.0.0.1:1/nothing?user=actorconnect&password=actorconnect";

    [Fact]
    public async Task A_missing_incrementing_column_fails_the_task_naming_the_key()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("errinc"));
        await db.ExecAsync("CREATE TABLE src (id bigint PRIMARY KEY, name text)");
        var name = KafkaFixture.UniqueName("jdbcerr");
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", name), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "incrementing"), ("incrementing.column.name", "nope"), ("topic.prefix", name + "-"));
        var status = await worker.WaitForStatusAsync(name, s => TaskFailedWith(s, "\"nope\" does not exist"));
        Assert.True(TaskFailedWith(status, "Set incrementing.column.name to one of them"), JdbcWorker.Describe(status));
    }

    [Fact]
    public async Task A_wrong_password_fails_the_connector_naming_connection_password()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("errpw"));
        var name = KafkaFixture.UniqueName("jdbcerr");
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", name), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl.Replace("password=actorconnect", "password=wrong")),
            ("mode", "bulk"), ("topic.prefix", name + "-"));
        var status = await worker.WaitForStatusAsync(name, s => s.State == ConnectState.Failed);
        Assert.Contains("28P01", status.Trace);
        Assert.Contains("connection.password", status.Trace);
    }

    [Fact]
    public async Task An_unknown_table_in_the_whitelist_fails_the_connector_listing_the_tables()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("errtable"));
        await db.ExecAsync("CREATE TABLE present (id bigint PRIMARY KEY)");
        var name = KafkaFixture.UniqueName("jdbcerr");
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", name), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "bulk"), ("table.whitelist", "absent"), ("topic.prefix", name + "-"));
        var status = await worker.WaitForStatusAsync(name, s => s.State == ConnectState.Failed);
        Assert.Contains("table.whitelist names tables that do not exist", status.Trace);
        Assert.Contains("absent", status.Trace);
        Assert.Contains(".public.present", status.Trace);
    }

    [Fact]
    public async Task Schemaless_records_fail_the_sink_naming_the_converter_setting()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("errschema"));
        var topic = KafkaFixture.UniqueName("jdbcerr");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, [((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes("""{"id": 1, "name": "x"}"""))], 0);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", db.JdbcUrl),
            ("auto.create", "true"), ("value.converter", JdbcWorker.JsonConverter), ("value.converter.schemas.enable", "false"));
        var status = await worker.WaitForStatusAsync(topic, s => TaskFailedWith(s, "value.converter.schemas.enable=true"));
        Assert.True(TaskFailedWith(status, "needs records with a Struct value and a value schema"), JdbcWorker.Describe(status));
    }

    [Fact]
    public async Task A_database_that_is_down_keeps_the_source_task_running_with_the_reason()
    {
        var name = KafkaFixture.UniqueName("jdbcdown");
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", name), ("connector.class", "JdbcSourceConnector"), ("connection.url", DownUrl),
            ("mode", "bulk"), ("query", "SELECT 1 AS one"), ("topic.prefix", name));
        var status = await worker.WaitForStatusAsync(name, s => s.Tasks.Any(t => t.State == ConnectState.Running && (t.LastError ?? "").Contains("unreachable")));
        Assert.Contains("127.0.0.1:1", status.Tasks.Single().LastError);
        Assert.Contains("connection.url", status.Tasks.Single().LastError);
    }

    [Fact]
    public async Task A_database_that_is_down_makes_the_sink_retry_then_fail_without_committing_offsets()
    {
        var topic = KafkaFixture.UniqueName("jdbcdown");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, [(SinkSchemaTests.Key(1), (byte[]?)Encoding.UTF8.GetBytes(
            """{"schema":{"type":"struct","optional":false,"fields":[{"field":"id","type":"int64","optional":false}]},"payload":{"id":1}}"""))], 0);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", "JdbcSinkConnector"), ("topics", topic), ("connection.url", DownUrl),
            ("max.retries", "2"), ("retry.backoff.ms", "100"));
        var status = await worker.WaitForStatusAsync(topic, s => TaskFailedWith(s, "Gave up after 2 retries"), TimeSpan.FromMinutes(2));
        Assert.True(TaskFailedWith(status, "unreachable"), JdbcWorker.Describe(status));

        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.Apply(new ConsumerConfig { GroupId = "connect-" + topic, EnableAutoCommit = false })).Build();
        var committed = consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset;
        Assert.True(committed.Value <= 0, $"nothing was written, so nothing may be committed; committed {committed}");
    }

    private static bool TaskFailedWith(ConnectorStatus s, string text) =>
        s.Tasks.Any(t => t.State == ConnectState.Failed && (t.Trace ?? string.Empty).Contains(text, StringComparison.Ordinal));
}
