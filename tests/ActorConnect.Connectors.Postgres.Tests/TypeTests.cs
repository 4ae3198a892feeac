using ActorConnect.Api.Data;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>The common PostgreSQL types into Debezium's schemas and values, under each handling mode.</summary>
public sealed class TypeTests
{
    private const string Columns =
        "id int PRIMARY KEY, s smallint, b bigint, t text, v varchar(20), flag boolean, f4 real, f8 double precision, " +
        "n numeric(10,2), nu numeric, d date, t3 time(3), t6 time, ts3 timestamp(3), ts6 timestamp, tz timestamptz, u uuid, j json, jb jsonb, by bytea, ttz timetz";

    private const string Row =
        "(1, -7, 9007199254740993, 'text', 'varchar', true, 1.5, 2.25, 12345678.91, -3.14159, '2024-02-29', '13:45:30.123', '13:45:30.123456', " +
        "'2024-02-29 13:45:30.123', '2024-02-29 13:45:30.123456', '2024-02-29 13:45:30.5+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": 1}', '{\"b\": 2}', '\\x00ff10', '13:45:30.25+02')";

    [Fact]
    public async Task Adaptive_precise_bytes_defaults_map_each_type_to_Debeziums_logical_type()
    {
        var after = await CaptureAsync();
        var schema = after.Schema;
        (string? Name, SchemaType Type) Of(string field) => (schema.Field(field)!.Schema.Name, schema.Field(field)!.Schema.Type);

        Assert.Equal((null, SchemaType.Int16), Of("s"));
        Assert.Equal((short)-7, after.Get("s"));
        Assert.Equal((null, SchemaType.Int64), Of("b"));
        Assert.Equal(9007199254740993L, after.Get("b"));
        Assert.Equal(("text", "varchar", true, 1.5f, 2.25d), (after.Get("t"), after.Get("v"), after.Get("flag"), after.Get("f4"), after.Get("f8")));
        Assert.Equal(("org.apache.kafka.connect.data.Decimal", SchemaType.Bytes), Of("n"));
        Assert.Equal(("2", "10"), (schema.Field("n")!.Schema.Parameters["scale"], schema.Field("n")!.Schema.Parameters["connect.decimal.precision"]));
        Assert.Equal(12345678.91m, after.Get("n"));
        Assert.Equal(("io.debezium.data.VariableScaleDecimal", SchemaType.Struct), Of("nu"));
        var variable = (Struct)after.Get("nu")!;
        Assert.Equal(5, variable.Get("scale"));
        Assert.Equal(new byte[] { 0xFB, 0x34, 0xD1 }, variable.Get("value"));
        Assert.Equal(("io.debezium.time.Date", SchemaType.Int32), Of("d"));
        Assert.Equal(19782, after.Get("d"));
        Assert.Equal(("io.debezium.time.Time", SchemaType.Int32), Of("t3"));
        Assert.Equal(49_530_123, after.Get("t3"));
        Assert.Equal(("io.debezium.time.MicroTime", SchemaType.Int64), Of("t6"));
        Assert.Equal(49_530_123_456L, after.Get("t6"));
        Assert.Equal(("io.debezium.time.Timestamp", SchemaType.Int64), Of("ts3"));
        Assert.Equal(1709214330123L, after.Get("ts3"));
        Assert.Equal(("io.debezium.time.MicroTimestamp", SchemaType.Int64), Of("ts6"));
        Assert.Equal(1709214330123456L, after.Get("ts6"));
        Assert.Equal(("io.debezium.time.ZonedTimestamp", SchemaType.String), Of("tz"));
        Assert.Equal("2024-02-29T11:45:30.5Z", after.Get("tz"));
        Assert.Equal(("io.debezium.time.ZonedTime", SchemaType.String), Of("ttz"));
        Assert.Equal("11:45:30.25Z", after.Get("ttz"));
        Assert.Equal(("io.debezium.data.Uuid", SchemaType.String), Of("u"));
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", after.Get("u"));
        Assert.Equal(("io.debezium.data.Json", SchemaType.String), Of("j"));
        Assert.Equal(("{\"a\": 1}", "{\"b\": 2}"), (after.Get("j"), after.Get("jb")));
        Assert.Equal((null, SchemaType.Bytes), Of("by"));
        Assert.Equal(new byte[] { 0x00, 0xFF, 0x10 }, after.Get("by"));
        Assert.False(schema.Field("id")!.Schema.IsOptional);
        Assert.True(schema.Field("s")!.Schema.IsOptional);
    }

    [Fact]
    public async Task Connect_time_precision_string_decimals_and_hex_binary_follow_their_modes()
    {
        var after = await CaptureAsync(("time.precision.mode", "connect"), ("decimal.handling.mode", "string"), ("binary.handling.mode", "hex"));
        var schema = after.Schema;
        Assert.Equal(LogicalTypes.DateName, schema.Field("d")!.Schema.Name);
        Assert.Equal(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), after.Get("d"));
        Assert.Equal(LogicalTypes.TimeName, schema.Field("t6")!.Schema.Name);
        Assert.Equal(LogicalTypes.TimeFromMillis(49_530_123), after.Get("t6"));
        Assert.Equal(LogicalTypes.TimestampName, schema.Field("ts6")!.Schema.Name);
        Assert.Equal(LogicalTypes.TimestampFromMillis(1709214330123L), after.Get("ts6"));
        Assert.Equal(("12345678.91", "-3.14159"), (after.Get("n"), after.Get("nu")));
        Assert.Equal("00ff10", after.Get("by"));

        var doubles = await CaptureAsync(("decimal.handling.mode", "double"), ("binary.handling.mode", "base64"), ("time.precision.mode", "adaptive_time_microseconds"));
        Assert.Equal((12345678.91d, -3.14159d), (doubles.Get("n"), doubles.Get("nu")));
        Assert.Equal("AP8Q", doubles.Get("by"));
        Assert.Equal("io.debezium.time.MicroTime", doubles.Schema.Field("t3")!.Schema.Name);
        Assert.Equal(49_530_123_000L, doubles.Get("t3"));
    }

    private static async Task<Struct> CaptureAsync(params (string Key, string Value)[] modes)
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"CREATE TABLE types ({Columns})");
        using var task = new TaskRunner(db.Config("srv", modes));
        task.PollOnce();
        await db.ExecAsync($"INSERT INTO types VALUES {Row}");
        var record = Assert.Single(await task.PollAsync(1));
        return (Struct)((Struct)record.Value!).Get("after")!;
    }
}
