using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>Every commonly used PostgreSQL type goes table -> Kafka (JsonConverter with schemas) -> table unchanged.</summary>
[Collection("jdbc")]
public sealed class TypesRoundTripTests(KafkaFixture kafka, PostgresFixture postgres)
{
    private const string Columns =
        "id bigint PRIMARY KEY, c_smallint smallint, c_integer integer, c_bigint bigint, c_numeric numeric(12,3), c_real real, " +
        "c_double double precision, c_text text, c_varchar varchar(40), c_boolean boolean, c_date date, c_time time, c_timestamp timestamp, " +
        "c_timestamptz timestamptz, c_bytea bytea, c_uuid uuid, c_json json, c_jsonb jsonb";

    [Fact]
    public async Task Common_types_make_the_round_trip_into_a_table_of_the_same_types()
    {
        var db = new Db(await postgres.CreateDatabaseAsync("types"));
        await db.ExecAsync($"CREATE TABLE src ({Columns}); CREATE TABLE dst ({Columns});");
        await db.ExecAsync("""
            INSERT INTO src VALUES
              (1, 32767, -2147483648, 9223372036854775807, 123456789.123, 3.25, -1.0000001e300, 'héllo ✓ "quoted"', 'short', true,
               '2024-02-29', '23:59:59.999', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789+02', '\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
               '{"a": [1, 2, {"b": null}]}', '{"z": 1, "a": "x"}'),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (3, -1, 0, -42, -0.001, -0.5, 0, '', '', false, '1970-01-01', '00:00:00', '1970-01-01 00:00:00', '2000-01-01 00:00:00+00', '\x', '00000000-0000-0000-0000-000000000000',
               '[]', '{}');
            """);
        var prefix = KafkaFixture.UniqueName("jdbctypes") + "-";
        await kafka.CreateTopicAsync(prefix + "src", 1);
        await using var worker = JdbcWorker.Start(kafka);
        await worker.CreateAsync(
            ("name", prefix + "source"), ("connector.class", "JdbcSourceConnector"), ("connection.url", db.JdbcUrl), ("mode", "incrementing"),
            ("incrementing.column.name", "id"), ("table.whitelist", "public.src"), ("topic.prefix", prefix), ("poll.interval.ms", "200"));
        await worker.CreateAsync(
            ("name", prefix + "sink"), ("connector.class", "JdbcSinkConnector"), ("topics", prefix + "src"), ("connection.url", db.JdbcUrl),
            ("table.name.format", "dst"), ("insert.mode", "upsert"), ("pk.mode", "record_value"), ("pk.fields", "id"));

        await worker.WaitForAsync(async () => await db.CountAsync("dst") >= 3, TimeSpan.FromMinutes(2), "every row reaches dst", prefix + "source", prefix + "sink");
        var expected = await db.RowsAsync("SELECT * FROM src ORDER BY id");
        var actual = await db.RowsAsync("SELECT * FROM dst ORDER BY id");
        Assert.Equal(expected, actual);
    }
}
