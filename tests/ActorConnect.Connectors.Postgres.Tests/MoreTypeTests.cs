using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// The types beyond numbers, text and time, as Debezium 2.7 maps them (PostgresValueConverter): the same row read by
/// the snapshot (column::text) and by the stream (pgoutput's text) gives the same schemas and values.
/// </summary>
public sealed class MoreTypeTests
{
    private const string Setup =
        "CREATE EXTENSION hstore; CREATE EXTENSION ltree; CREATE EXTENSION citext; CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); " +
        "CREATE TABLE more (id int PRIMARY KEY, iv interval, m money, e mood, ip inet, net cidr, mac macaddr, b1 bit(1), b4 bit(4), vb varbit(16), " +
        "x xml, lt ltree, hs hstore, p point, ia int4[], ta text[], ea mood[], na numeric(5,2)[], ch char(3), vc varchar(10), ci citext, o oid, " +
        "tv tsvector, bx box, mi money NOT NULL, ls lseg, pa path, pc path, pg polygon, cr circle, ln line, gb box NOT NULL, ba box[])";

    private const string Values =
        "'1 year 2 months 3 days 04:05:06.789', 1234.56, 'ok', '192.168.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', B'1', B'0101', B'1000000001', " +
        "'<a>1</a>', 'Top.Science', '\"a\"=>\"1\", \"b\"=>NULL', '(1.5,-2.5)', '{1,2,NULL}', '{\"a b\",c}', '{happy,sad}', '{1.5,NULL}', 'ab', 'varchar', " +
        "'MiXed', 42, 'a fat cat', '((0,0),(1,1))', -7.5, '[(1,2),(3,4)]', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(2,0))', '((0,0),(0,1),(1,1))', " +
        "'<(1,2),3>', '{1,-1,0}', '((2,3),(0,1))', '{(1,1),(0,0);(2,2),(1,1)}'";

    [Fact]
    public async Task Every_common_type_maps_to_Debeziums_schema_and_value_in_the_snapshot_and_the_stream()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        await db.ExecAsync($"INSERT INTO more VALUES (1, {Values})");
        using var task = new TaskRunner(db.Config("srv", ("snapshot.mode", "initial")));
        var snapshot = Assert.Single(await task.PollAsync(1));
        Assert.Equal("r", ((Struct)snapshot.Value!).Get("op"));
        await db.ExecAsync($"INSERT INTO more VALUES (2, {Values})");
        var streamed = Assert.Single(await task.PollAsync(1));
        Assert.Equal("c", ((Struct)streamed.Value!).Get("op"));

        foreach (var record in new[] { snapshot, streamed })
        {
            AssertDebeziumTypes((Struct)((Struct)record.Value!).Get("after")!);
        }

        // The unmapped box[] column is named once, however many rows carry it.
        var warnings = new List<string?>();
        await Eventually.AssertAsync(() =>
        {
            task.PollOnce();
            warnings.Add(task.Task.LastWarning);
            return task.Task.LastWarning?.Contains("public.more.ba", StringComparison.Ordinal) == true;
        }, TimeSpan.FromSeconds(30), "a warning names the unmapped column");
        Assert.Contains("type _box", task.Task.LastWarning);
    }

    [Fact]
    public async Task Interval_string_hstore_map_and_money_string_modes_follow_their_keys()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        using var task = new TaskRunner(db.Config("srv", ("interval.handling.mode", "string"), ("hstore.handling.mode", "map"), ("decimal.handling.mode", "string")));
        task.PollOnce();
        await db.ExecAsync($"INSERT INTO more VALUES (1, {Values})");
        await db.ExecAsync("UPDATE more SET iv = '-1 day -02:00:03.5' WHERE id = 1");
        var records = await task.PollAsync(2);
        var after = (Struct)((Struct)records[0].Value!).Get("after")!;

        Assert.Equal("io.debezium.time.Interval", after.Schema.Field("iv")!.Schema.Name);
        Assert.Equal("P1Y2M3DT4H5M6.789S", after.Get("iv"));
        Assert.Equal("P0Y0M-1DT-2H0M-3.5S", ((Struct)((Struct)records[1].Value!).Get("after")!).Get("iv"));
        Assert.Equal(SchemaType.Map, after.Schema.Field("hs")!.Schema.Type);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = null }, (IDictionary<string, string?>)after.Get("hs")!);
        Assert.Equal(("1234.56", "-7.50"), (after.Get("m"), after.Get("mi")));
        Assert.Equal(SchemaType.String, after.Schema.Field("m")!.Schema.Type);
    }

    [Fact]
    public async Task A_multi_dimensional_array_fails_the_task_naming_the_column_and_the_fix()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE grid (id int PRIMARY KEY, cells int[])");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO grid VALUES (1, '{{1,2},{3,4}}')");

        ConnectException? failure = null;
        await Eventually.AssertAsync(() =>
        {
            try
            {
                task.PollOnce();
                return false;
            }
            catch (ConnectException e)
            {
                failure = e;
                return true;
            }
        }, TimeSpan.FromMinutes(1), "the task fails");
        Assert.Contains("public.grid.cells", failure!.Message);
        Assert.Contains("one-dimensional", failure.Message);
    }

    [Fact]
    public void An_unmapped_column_is_warned_about_once_across_relation_messages()
    {
        var config = PostgresConnectorConfig.Parse(new Dictionary<string, string>
        {
            ["database.hostname"] = "h", ["database.user"] = "u", ["database.dbname"] = "d", ["topic.prefix"] = "p",
        });
        // aclitem (1033) has no mapping.
        TableSchema Describe() => new("p", "public", "t", [new TableColumn("acl", ColumnTypes.For(1033, -1, true, config), false)], []);
        var warnings = new ReaderWarnings();
        warnings.Note(Describe());
        warnings.Note(Describe());
        Assert.True(warnings.TryTake(out var warning));
        Assert.Contains("public.t.acl", warning);
        Assert.False(warnings.TryTake(out _));
    }

    private static void AssertDebeziumTypes(Struct after)
    {
        var schema = after.Schema;
        Schema Of(string field) => schema.Field(field)!.Schema;

        Assert.Equal(("io.debezium.time.MicroDuration", SchemaType.Int64), (Of("iv").Name, Of("iv").Type));
        Assert.Equal(37_091_106_789_000L, after.Get("iv"));
        Assert.Equal((LogicalTypes.DecimalName, "2"), (Of("m").Name, Of("m").Parameters["scale"]));
        Assert.Equal((1234.56m, -7.50m), (after.Get("m"), after.Get("mi")));
        Assert.False(Of("mi").IsOptional);
        Assert.Equal(("io.debezium.data.Enum", "sad,ok,happy"), (Of("e").Name, Of("e").Parameters["allowed"]));
        Assert.Equal("ok", after.Get("e"));
        Assert.Equal(("192.168.0.1", "10.0.0.0/8", "08:00:2b:01:02:03"), (after.Get("ip"), after.Get("net"), after.Get("mac")));
        Assert.Equal(((string?)null, SchemaType.String), (Of("ip").Name, Of("ip").Type));
        Assert.Equal((SchemaType.Boolean, true), (Of("b1").Type, after.Get("b1")));
        Assert.Equal(("io.debezium.data.Bits", "4", "16"), (Of("b4").Name, Of("b4").Parameters["length"], Of("vb").Parameters["length"]));
        Assert.Equal(new byte[] { 0x05 }, after.Get("b4"));
        Assert.Equal(new byte[] { 0x01, 0x02 }, after.Get("vb"));
        Assert.Equal(("io.debezium.data.Xml", "<a>1</a>"), (Of("x").Name, after.Get("x")));
        Assert.Equal(("io.debezium.data.Ltree", "Top.Science"), (Of("lt").Name, after.Get("lt")));
        Assert.Equal(("io.debezium.data.Json", "{\"a\":\"1\",\"b\":null}"), (Of("hs").Name, after.Get("hs")));

        var point = (Struct)after.Get("p")!;
        Assert.Equal("io.debezium.data.geometry.Point", Of("p").Name);
        Assert.Equal((1.5, -2.5, (object?)null), (point.Get("x"), point.Get("y"), point.Get("srid")));
        Assert.Equal(Convert.FromHexString("0101000000000000000000F83F00000000000004C0"), point.Get("wkb"));

        Assert.Equal((SchemaType.Array, SchemaType.Int32, true), (Of("ia").Type, Of("ia").ValueSchema!.Type, Of("ia").ValueSchema!.IsOptional));
        Assert.Equal(new List<object?> { 1, 2, null }, after.Get("ia"));
        Assert.Equal(new List<object?> { "a b", "c" }, after.Get("ta"));
        Assert.Equal(("io.debezium.data.Enum", false), (Of("ea").ValueSchema!.Name, Of("ea").ValueSchema!.IsOptional));
        Assert.Equal(new List<object?> { "happy", "sad" }, after.Get("ea"));
        Assert.Equal(LogicalTypes.DecimalName, Of("na").ValueSchema!.Name);
        Assert.Equal(new List<object?> { 1.50m, null }, after.Get("na"));

        Assert.Equal(("ab ", "varchar", "MiXed", 42L, "'a' 'cat' 'fat'"), (after.Get("ch"), after.Get("vc"), after.Get("ci"), after.Get("o"), after.Get("tv")));
        AssertGeometricTypes(after);
    }

    /// <summary>Debezium 3.7's geometric types (debezium/dbz#2135): box, lseg, path, polygon as WKB Geometry, circle and line as their own structs.</summary>
    private static void AssertGeometricTypes(Struct after)
    {
        Schema Of(string field) => after.Schema.Field(field)!.Schema;
        Struct Value(string field) => (Struct)after.Get(field)!;

        foreach (var field in new[] { "bx", "ls", "pa", "pc", "pg", "gb" })
        {
            // Debezium's Geometry schema is optional even for a NOT NULL column (gb), as its builder makes it.
            Assert.Equal(("io.debezium.data.geometry.Geometry", 2, true), (Of(field).Name, Of(field).Version, Of(field).IsOptional));
            Assert.Null(Value(field).Get("srid"));
        }

        // lseg [(1,2),(3,4)]: a little-endian WKB LineString of 2 points.
        Assert.Equal(Convert.FromHexString("010200000002000000" + "000000000000F03F0000000000000040" + "00000000000008400000000000001040"), Value("ls").Get("wkb"));
        Assert.Equal(new Dictionary<string, string> { ["type"] = "lseg" }, (IDictionary<string, string>)Value("ls").Get("extensions")!);
        // box ((0,0),(1,1)) is stored as (1,1),(0,0): the closed ring of its corners from the first.
        Assert.Equal(Wkb(3, [1, 1, 1, 0, 0, 0, 0, 1, 1, 1]), Value("bx").Get("wkb"));
        Assert.Equal(Wkb(3, [2, 3, 2, 1, 0, 1, 0, 3, 2, 3]), Value("gb").Get("wkb"));
        Assert.Equal(new Dictionary<string, string> { ["type"] = "box" }, (IDictionary<string, string>)Value("bx").Get("extensions")!);
        // An open and a closed path: the same line string; only the extensions tell them apart.
        Assert.Equal(Wkb(2, [0, 0, 1, 1, 2, 0]), Value("pa").Get("wkb"));
        Assert.Equal(Wkb(2, [0, 0, 1, 1, 2, 0]), Value("pc").Get("wkb"));
        Assert.Equal(new Dictionary<string, string> { ["type"] = "path", ["closed"] = "false" }, (IDictionary<string, string>)Value("pa").Get("extensions")!);
        Assert.Equal("true", ((IDictionary<string, string>)Value("pc").Get("extensions")!)["closed"]);
        // A polygon's ring is closed by repeating its first point.
        Assert.Equal(Wkb(3, [0, 0, 0, 1, 1, 1, 0, 0]), Value("pg").Get("wkb"));
        Assert.Equal(new Dictionary<string, string> { ["type"] = "polygon" }, (IDictionary<string, string>)Value("pg").Get("extensions")!);

        Assert.Equal(("io.debezium.data.geometry.Circle", "io.debezium.data.geometry.Point"), (Of("cr").Name, Of("cr").Field("center")!.Schema.Name));
        var center = (Struct)Value("cr").Get("center")!;
        Assert.Equal((1.0, 2.0, 3.0), (center.Get("x"), center.Get("y"), Value("cr").Get("radius")));
        Assert.Equal(Convert.FromHexString("0101000000000000000000F03F0000000000000040"), center.Get("wkb"));
        Assert.Equal("io.debezium.data.geometry.Line", Of("ln").Name);
        Assert.Equal((1.0, -1.0, 0.0), (Value("ln").Get("a"), Value("ln").Get("b"), Value("ln").Get("c")));

        Assert.Equal((SchemaType.String, "{(1,1),(0,0);(2,2),(1,1)}"), (Of("ba").Type, after.Get("ba")));
    }

    /// <summary>A little-endian WKB LineString (2) or one-ring Polygon (3) of the coordinates.</summary>
    private static byte[] Wkb(int type, double[] coordinates)
    {
        using var bytes = new MemoryStream();
        using var writer = new BinaryWriter(bytes);
        writer.Write((byte)1);
        writer.Write(type);
        if (type == 3)
        {
            writer.Write(1);
        }

        writer.Write(coordinates.Length / 2);
        foreach (var c in coordinates)
        {
            writer.Write(c);
        }

        return bytes.ToArray();
    }
}
