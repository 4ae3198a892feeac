using System.Text.Json.Nodes;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>The source's modes, query mode, table discovery and kafka-connect-jdbc's offsets, read from the topics.</summary>
[Collection("jdbc")]
public sealed class SourceModeTests(KafkaFixture kafka, PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Timestamp_mode_sees_updates_and_stores_Confluent_shaped_offsets()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("tsmode"));
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, name text, updated timestamptz NOT NULL); " +
                           "INSERT INTO t VALUES (1, 'a', '2024-01-01 00:00:01.123456+00'), (2, 'b', '2024-01-01 00:00:02+00'), (3, 'c', '2024-01-01 00:00:03+00');");
        var prefix = KafkaFixture.UniqueName("jdbcts") + "-";
        await kafka.CreateTopicAsync(prefix + "t", 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "timestamp"), ("timestamp.column.name", "updated"), ("topic.prefix", prefix), ("poll.interval.ms", "200"));
        Assert.Equal(["a", "b", "c"], (await Values(prefix + "t", 3)).Select(v => (string)v["name"]!));

        await db.ExecAsync("UPDATE t SET name = 'b2', updated = '2024-01-02 00:00:00.5+00' WHERE id = 2");
        Assert.Equal("b2", (string)(await Values(prefix + "t", 4))[3]["name"]!);

        var database = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString).Database;
        ConnectorOffset? stored = null;
        await Eventually.AssertAsync(async () =>
        {
            var offsets = await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(prefix + "source"));
            stored = offsets.Offsets.SingleOrDefault();
            return stored?.Offset is { } o && Convert.ToInt64(o["timestamp"]) == 1704153600500L;
        }, Wait, "the offset of the last record is stored");
        Assert.Equal("1", stored!.Partition["protocol"]);
        Assert.Equal($"{database}.public.t", stored.Partition["table"]);
        Assert.Equal(500_000_000L, Convert.ToInt64(stored.Offset!["timestamp_nanos"]));
        Assert.False(stored.Offset.ContainsKey("incrementing"));
    }

    [Fact]
    public async Task Several_timestamp_columns_are_coalesced_in_timestamp_incrementing_mode()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("coalesce"));
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, name text, modified timestamptz, created timestamptz NOT NULL); " +
                           "INSERT INTO t VALUES (1, 'a', NULL, '2024-01-01 00:00:01+00'), (2, 'b', '2024-01-01 00:00:05+00', '2024-01-01 00:00:00+00'), (3, 'c', NULL, '2024-01-01 00:00:03+00');");
        var prefix = KafkaFixture.UniqueName("jdbccoalesce") + "-";
        await kafka.CreateTopicAsync(prefix + "t", 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "timestamp+incrementing"), ("timestamp.column.name", "modified,created"), ("incrementing.column.name", "id"),
            ("topic.prefix", prefix), ("poll.interval.ms", "200"), ("query.suffix", "FOR SHARE"));
        // Ordered by COALESCE(modified, created): 1 (00:01), 3 (00:03), 2 (00:05).
        Assert.Equal(["a", "c", "b"], (await Values(prefix + "t", 3)).Select(v => (string)v["name"]!));

        await db.ExecAsync("UPDATE t SET name = 'c2', modified = '2024-01-01 00:00:09+00' WHERE id = 3");
        Assert.Equal("c2", (string)(await Values(prefix + "t", 4))[3]["name"]!);
    }

    [Fact]
    public async Task Timestamp_initial_skips_older_rows_and_validate_non_null_false_accepts_a_nullable_column()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("tsinit"));
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, name text, updated timestamptz); " +
                           "INSERT INTO t VALUES (1, 'old', '2024-01-01 00:00:01+00'), (2, 'edge', '2024-01-01 00:00:02+00'), (3, 'new', '2024-01-01 00:00:03+00');");
        var prefix = KafkaFixture.UniqueName("jdbcinit") + "-";
        await kafka.CreateTopicAsync(prefix + "t", 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "timestamp"), ("timestamp.column.name", "updated"), ("validate.non.null", "false"), ("topic.prefix", prefix), ("poll.interval.ms", "200"),
            ("timestamp.initial", new DateTimeOffset(2024, 1, 1, 0, 0, 2, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await db.ExecAsync("INSERT INTO t VALUES (4, 'later', '2024-01-01 00:00:04+00')");
        // Older rows would come first (one partition, read in timestamp order), so the first two being these proves them skipped.
        Assert.Equal(["new", "later"], (await Values(prefix + "t", 2)).Select(v => (string)v["name"]!));
    }

    [Fact]
    public async Task Offsets_altered_while_stopped_make_the_source_resume_from_them()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("alter"));
        await db.ExecAsync("CREATE TABLE t (id bigserial PRIMARY KEY, name text); INSERT INTO t (name) SELECT 'r' || g FROM generate_series(1, 5) g;");
        var prefix = KafkaFixture.UniqueName("jdbcalter") + "-";
        await kafka.CreateTopicAsync(prefix + "t", 1);
        var name = prefix + "source";
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", name), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "incrementing"), ("topic.prefix", prefix), ("poll.interval.ms", "200"));
        await Values(prefix + "t", 5);
        await Eventually.AssertAsync(async () => (await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name)))
            .Offsets.SingleOrDefault()?.Offset?["incrementing"] is { } inc && Convert.ToInt64(inc) == 5, Wait, "offset 5 stored");

        await worker.Worker.SetTargetStateAsync(name, TargetState.Stopped);
        await worker.WaitForStatusAsync(name, s => s.State == ConnectState.Stopped);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString).Database;
        await worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.AlterOffsets(name, [
            new ConnectorOffset(new Dictionary<string, object?> { ["protocol"] = "1", ["table"] = $"{database}.public.t" }, new Dictionary<string, object?> { ["incrementing"] = 2L }),
        ]));
        await worker.Worker.SetTargetStateAsync(name, TargetState.Started);

        var values = await Values(prefix + "t", 8);
        Assert.Equal(["r1", "r2", "r3", "r4", "r5", "r3", "r4", "r5"], values.Select(v => (string)v["name"]!));
    }

    [Fact]
    public async Task Offsets_the_task_could_not_read_are_refused_naming_the_partition_and_field()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("badoffsets"));
        await db.ExecAsync("CREATE TABLE t (id bigserial PRIMARY KEY, name text)");
        var name = KafkaFixture.UniqueName("jdbcbad");
        await using var worker = JdbcWorker.Start(kafka);
        await worker.Worker.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(new Dictionary<string, string>
        {
            ["name"] = name, ["connector.class"] = "JdbcSourceConnector", ["connection.url"] = db.JdbcUrl, ["mode"] = "incrementing", ["topic.prefix"] = name + "-",
        }, TargetState.Stopped));
        var partition = new Dictionary<string, object?> { ["protocol"] = "1", ["table"] = "db.public.t" };

        foreach (var (field, value, shown) in new (string, object?, string)[]
        {
            ("incrementing", "abc", "\"abc\""), ("incrementing", 1.5, "1.5"), ("timestamp", true, "true"), ("timestamp_nanos", -5L, "-5"), ("incrementng", 3L, "\"incrementng\""),
        })
        {
            var change = new WorkerProtocol.AlterOffsets(name, [new ConnectorOffset(partition, new Dictionary<string, object?> { [field] = value })]);
            var refused = await Assert.ThrowsAsync<Runtime.Errors.BadRequestException>(() => worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(change));
            Assert.Contains("db.public.t", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"\"{field}\"", refused.Message, StringComparison.Ordinal);
            Assert.Contains(shown, refused.Message, StringComparison.Ordinal);
        }

        var noTable = new WorkerProtocol.AlterOffsets(name, [new ConnectorOffset(new Dictionary<string, object?> { ["tabel"] = "t" }, new Dictionary<string, object?> { ["incrementing"] = 1L })]);
        Assert.Contains("names no table", (await Assert.ThrowsAsync<Runtime.Errors.BadRequestException>(() => worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(noTable))).Message, StringComparison.Ordinal);
        Assert.Empty((await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name))).Offsets);

        // A whole number, negative too (kafka-connect-jdbc starts incrementing offsets at -1), is taken.
        await worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.AlterOffsets(name, [new ConnectorOffset(partition, new Dictionary<string, object?> { ["incrementing"] = -5L })]));
        Assert.Equal(-5L, Convert.ToInt64((await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name))).Offsets.Single().Offset!["incrementing"]));
    }

    [Fact]
    public async Task Query_mode_copies_the_query_result_to_the_prefix_topic()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("query"));
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 10) g;");
        var topic = KafkaFixture.UniqueName("jdbcquery");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "incrementing"), ("incrementing.column.name", "id"), ("query", "SELECT id, upper(name) AS name FROM t WHERE id % 2 = 0"),
            ("topic.prefix", topic), ("poll.interval.ms", "200"));
        var values = await Values(topic, 5);
        Assert.Equal(["N2", "N4", "N6", "N8", "N10"], values.Select(v => (string)v["name"]!));
        await Eventually.AssertAsync(async () => (await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(topic)))
            .Offsets.SingleOrDefault() is { } o && (string?)o.Partition["query"] == "query" && Convert.ToInt64(o.Offset!["incrementing"]) == 10, Wait, "query offset stored");
    }

    [Fact]
    public async Task Bulk_mode_sends_the_whole_table_every_poll()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("bulk"));
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'x'), (2, 'y');");
        var prefix = KafkaFixture.UniqueName("jdbcbulk") + "-";
        await kafka.CreateTopicAsync(prefix + "t", 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "bulk"), ("topic.prefix", prefix), ("poll.interval.ms", "200"));
        var values = await Values(prefix + "t", 6);
        Assert.Equal(["x", "y", "x", "y", "x", "y"], values.Select(v => (string)v["name"]!));
    }

    [Fact]
    public async Task Tables_spread_over_tasks_max_tasks_and_a_new_table_is_picked_up()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("monitor"));
        await db.ExecAsync("CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY); INSERT INTO a VALUES (1);");
        var prefix = KafkaFixture.UniqueName("jdbcmon") + "-";
        await kafka.CreateTopicAsync(prefix + "d", 1);
        var name = prefix + "source";
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", name), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl), ("tasks.max", "2"),
            ("mode", "incrementing"), ("incrementing.column.name", "id"), ("topic.prefix", prefix), ("poll.interval.ms", "200"), ("table.poll.interval.ms", "300"));
        await worker.WaitForStatusAsync(name, s => s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Running));
        await Values(prefix + "a", 1);

        await db.ExecAsync("CREATE TABLE d (id int PRIMARY KEY, note text); INSERT INTO d VALUES (7, 'new table');");
        var values = await Values(prefix + "d", 1);
        Assert.Equal("new table", (string)values[0]["note"]!);
        Assert.Equal(2, (await worker.Worker.StatusAsync(name)).Tasks.Count);
    }

    [Fact]
    public async Task Numeric_mapping_best_fit_and_db_timezone_shape_the_record_schema_and_values()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("numeric"));
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, small numeric(2,0), mid numeric(9,0), big numeric(18,0), frac numeric(10,2), huge numeric(30,4), local timestamp NOT NULL); " +
                           "INSERT INTO t VALUES (1, 12, 123456789, 123456789012345678, 12345678.91, 1.2345, '2024-07-01 12:00:00');");
        var prefix = KafkaFixture.UniqueName("jdbcnum") + "-";
        await kafka.CreateTopicAsync(prefix + "t", 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl),
            ("mode", "incrementing"), ("incrementing.column.name", "id"), ("topic.prefix", prefix), ("numeric.mapping", "best_fit"), ("db.timezone", "Europe/Paris"));
        var records = await kafka.ConsumeAllAsync(prefix + "t", 1, Wait);
        var envelope = JsonNode.Parse(Assert.Single(records).Message.Value!)!;
        var types = envelope["schema"]!["fields"]!.AsArray().ToDictionary(f => (string)f!["field"]!, f => (string?)f!["name"] ?? (string)f!["type"]!);
        Assert.Equal("int8", types["small"]);
        Assert.Equal("int32", types["mid"]);
        Assert.Equal("int64", types["big"]);
        Assert.Equal("double", types["frac"]);
        Assert.Equal("org.apache.kafka.connect.data.Decimal", types["huge"]);
        Assert.Equal("org.apache.kafka.connect.data.Timestamp", types["local"]);
        var payload = envelope["payload"]!;
        Assert.Equal(123456789012345678L, (long)payload["big"]!);
        Assert.Equal(12345678.91, (double)payload["frac"]!);
        // 12:00 in Paris in July is 10:00 UTC.
        Assert.Equal(new DateTimeOffset(2024, 7, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), (long)payload["local"]!);
    }

    /// <summary>The payloads (JsonConverter envelopes) of the first <paramref name="count"/> records (in order: the tests' topics have one partition).</summary>
    private async Task<List<JsonNode>> Values(string topic, int count)
    {
        List<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> records = [];
        await Eventually.AssertAsync(async () =>
        {
            records = await kafka.ConsumeAllAsync(topic, count, TimeSpan.FromSeconds(5));
            return records.Count >= count;
        }, Wait, $"{count} records in {topic}");
        return records.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value).Take(count)
            .Select(r => JsonNode.Parse(r.Message.Value!)!["payload"]!).ToList();
    }
}
