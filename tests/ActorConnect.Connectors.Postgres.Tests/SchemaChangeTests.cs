using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// Schema changes mid-stream: pgoutput sends a table's relation message again (as the catalog stood at that point of
/// the WAL) before its first change after an ALTER, so the records before carry the old shape and those after the new.
/// </summary>
public sealed class SchemaChangeTests
{
    [Fact]
    public async Task A_dropped_column_is_in_the_records_before_the_drop_and_gone_from_those_after()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, gone text NOT NULL, kept int); ALTER TABLE t REPLICA IDENTITY FULL");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO t VALUES (1, 'x', 10); ALTER TABLE t DROP COLUMN gone; INSERT INTO t VALUES (2, 20); UPDATE t SET kept = 11 WHERE id = 1");

        var records = await task.PollAsync(3);
        var first = After(records[0]);
        Assert.Equal(["id", "gone", "kept"], first.Schema.Fields.Select(f => f.Name));
        Assert.Equal(("x", 10), (first.Get("gone"), first.Get("kept")));
        var second = After(records[1]);
        Assert.Equal(["id", "kept"], second.Schema.Fields.Select(f => f.Name));
        Assert.Equal((2, 20), (second.Get("id"), second.Get("kept")));
        var update = (Struct)records[2].Value!;
        Assert.Equal("u", update.Get("op"));
        Assert.Equal(["id", "kept"], ((Struct)update.Get("before")!).Schema.Fields.Select(f => f.Name));
        Assert.Equal((10, 11), (((Struct)update.Get("before")!).Get("kept"), ((Struct)update.Get("after")!).Get("kept")));
        Assert.Same(records[1].ValueSchema, records[2].ValueSchema);
    }

    [Fact]
    public async Task A_table_described_again_unchanged_keeps_its_schema_instances()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        // ANALYZE invalidates the server's cache of the table, so pgoutput sends its relation message again before the
        // next change, as it does whenever autovacuum analyses a busy table.
        await db.ExecAsync("INSERT INTO t VALUES (1, 'a')");
        await db.ExecAsync("ANALYZE t");
        await db.ExecAsync("INSERT INTO t VALUES (2, 'b')");

        var records = await task.PollAsync(2);
        // The same instances, not equal copies: converters cache by schema and compare a copy field by field per record.
        Assert.Same(records[0].ValueSchema, records[1].ValueSchema);
        Assert.Same(records[0].KeySchema, records[1].KeySchema);
        Assert.Equal(2, ((Struct)records[1].Key!).Get("id"));
    }

    [Fact]
    public async Task A_changed_column_type_gives_the_records_after_it_the_new_schema_key_included()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, v varchar(10), n numeric(5,2)); ALTER TABLE t REPLICA IDENTITY FULL");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO t VALUES (1, 'short', 1.25); " +
                           "ALTER TABLE t ALTER COLUMN id TYPE bigint, ALTER COLUMN v TYPE text, ALTER COLUMN n TYPE numeric(8,3); " +
                           "INSERT INTO t VALUES (9007199254740993, 'longer than ten characters', 12345.678); UPDATE t SET v = 'changed' WHERE id = 1");

        var records = await task.PollAsync(3);
        var old = After(records[0]);
        Assert.Equal(SchemaType.Int32, old.Schema.Field("id")!.Schema.Type);
        Assert.Equal(SchemaType.Int32, records[0].KeySchema!.Field("id")!.Schema.Type);
        Assert.Equal((1, "short", 1.25m), (old.Get("id"), old.Get("v"), old.Get("n")));
        Assert.Equal("2", old.Schema.Field("n")!.Schema.Parameters["scale"]);

        var changed = After(records[1]);
        Assert.Equal(SchemaType.Int64, changed.Schema.Field("id")!.Schema.Type);
        Assert.Equal(SchemaType.Int64, records[1].KeySchema!.Field("id")!.Schema.Type);
        Assert.Equal(9007199254740993L, ((Struct)records[1].Key!).Get("id"));
        Assert.Equal(("longer than ten characters", 12345.678m), (changed.Get("v"), changed.Get("n")));
        Assert.Equal(("3", "8"), (changed.Schema.Field("n")!.Schema.Parameters["scale"], changed.Schema.Field("n")!.Schema.Parameters["connect.decimal.precision"]));

        // The row written before the change comes back in the new shape: its old image was rewritten with the table.
        var update = (Struct)records[2].Value!;
        Assert.Equal((1L, "short", "changed"), (((Struct)update.Get("after")!).Get("id"), ((Struct)update.Get("before")!).Get("v"), ((Struct)update.Get("after")!).Get("v")));
        Assert.Equal(1.250m, ((Struct)update.Get("before")!).Get("n"));
        Assert.Same(records[1].ValueSchema, records[2].ValueSchema);
    }

    private static Struct After(SourceRecord record) => (Struct)((Struct)record.Value!).Get("after")!;
}
