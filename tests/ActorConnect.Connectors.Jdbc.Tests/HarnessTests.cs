using System.Text.Json.Nodes;
using ActorConnect.TestKit;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>
/// The JDBC source run by ActorConnect.TestKit's harness (the real runtime on librdkafka's mock cluster): rows in,
/// records out, and the stored offset, with PostgreSQL as the only service.
/// </summary>
public sealed class HarnessTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Incrementing_mode_produces_each_row_once_and_stores_the_last_id_as_its_offset()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("harness"));
        await db.ExecAsync("CREATE TABLE t (id serial PRIMARY KEY, name text); INSERT INTO t (name) VALUES ('a'), ('b');");
        await using var h = await ConnectorHarness.StartAsync<JdbcSourceConnector>(
            new Dictionary<string, string>
            {
                ["connection.url"] = db.JdbcUrl, ["mode"] = "incrementing", ["incrementing.column.name"] = "id",
                ["topic.prefix"] = "db-", ["poll.interval.ms"] = "100",
            },
            new ConnectorHarnessOptions { Topics = ["db-t"], ValueConverter = "org.apache.kafka.connect.json.JsonConverter", WorkerProperties = new Dictionary<string, string> { ["value.converter.schemas.enable"] = "false" } });
        RecordAssert.ValuesEqual(await h.WaitForRecordsAsync("db-t", 2), "{\"id\":1,\"name\":\"a\"}", "{\"id\":2,\"name\":\"b\"}");

        await db.ExecAsync("INSERT INTO t (name) VALUES ('c')");

        var names = (await h.WaitForRecordsAsync("db-t", 3)).Select(r => (string?)JsonNode.Parse(r.Value!)!["name"]);
        Assert.Equal(["a", "b", "c"], names);
        await h.WaitUntilAsync(async () => (await h.OffsetsAsync()).Any(o => o.Offset is { } offset && Convert.ToInt64(offset["incrementing"]) == 3),
            "id 3 stored as the table's offset");
    }
}
