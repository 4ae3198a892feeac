using ActorConnect.Api.Data;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>message.key.columns: the key Struct holds the named columns instead of the primary key.</summary>
public sealed class KeyColumnsTests
{
    [Fact]
    public async Task A_table_without_a_primary_key_is_keyed_by_the_named_columns_in_snapshot_and_stream()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE events (code text NOT NULL, seq int NOT NULL, note text); ALTER TABLE events REPLICA IDENTITY FULL; " +
                           "INSERT INTO events VALUES ('a', 1, 'first')");
        using var task = new TaskRunner(db.Config("srv", ("snapshot.mode", "initial"), ("message.key.columns", "public\\.events:seq,code")));
        var snapshot = Assert.Single(await task.PollAsync(1));
        Assert.Equal("srv.public.events.Key", snapshot.KeySchema!.Name);
        // The key's fields come in the order message.key.columns names them, with the columns' own schemas.
        Assert.Equal([("seq", SchemaType.Int32, false), ("code", SchemaType.String, false)],
            snapshot.KeySchema.Fields.Select(f => (f.Name, f.Schema.Type, f.Schema.IsOptional)));
        Assert.Equal((1, "a"), (((Struct)snapshot.Key!).Get("seq"), ((Struct)snapshot.Key).Get("code")));

        await db.ExecAsync("INSERT INTO events VALUES ('b', 2, 'second'); DELETE FROM events WHERE seq = 1");
        var streamed = await task.PollAsync(3);
        Assert.Equal([("c", 2, "b"), ("d", 1, "a"), (null, 1, "a")], streamed.Select(r =>
            ((r.Value as Struct)?.Get("op") as string, (int)((Struct)r.Key!).Get("seq")!, (string)((Struct)r.Key!).Get("code")!)));
    }

    [Fact]
    public async Task A_matching_table_is_keyed_by_the_named_columns_and_others_keep_their_primary_key()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, no int); CREATE TABLE items (id int PRIMARY KEY, sku text)");
        using var task = new TaskRunner(db.Config("srv", ("message.key.columns", "public\\.orders:customer,no;nothing\\.here:id")));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO orders VALUES (1, 7, 3); INSERT INTO items VALUES (5, 'x')");

        var records = await task.PollAsync(2);
        var order = records.Single(r => r.Topic == "srv.public.orders");
        // A nullable key column is an optional key field, as Debezium's key schema takes the column's schema.
        Assert.Equal([("customer", false), ("no", true)], order.KeySchema!.Fields.Select(f => (f.Name, f.Schema.IsOptional)));
        Assert.Equal((7, 3), (((Struct)order.Key!).Get("customer"), ((Struct)order.Key).Get("no")));
        Assert.Equal(1, ((Struct)((Struct)order.Value!).Get("after")!).Get("id"));
        var item = records.Single(r => r.Topic == "srv.public.items");
        Assert.Equal(["id"], item.KeySchema!.Fields.Select(f => f.Name));
        Assert.Equal(5, ((Struct)item.Key!).Get("id"));
    }

    [Fact]
    public async Task An_update_of_a_named_key_column_is_a_delete_of_the_old_key_and_a_create_of_the_new_one_under_replica_identity_full()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, k text NOT NULL, v text); ALTER TABLE t REPLICA IDENTITY FULL; INSERT INTO t VALUES (1, 'old', 'x')");
        using var task = new TaskRunner(db.Config("srv", ("message.key.columns", "public.t:k")));
        task.PollOnce();
        await db.ExecAsync("UPDATE t SET v = 'y' WHERE id = 1; UPDATE t SET k = 'new' WHERE id = 1");

        var records = await task.PollAsync(4);
        Assert.Equal([("u", "old"), ("d", "old"), (null, "old"), ("c", "new")],
            records.Select(r => ((r.Value as Struct)?.Get("op") as string, (string)((Struct)r.Key!).Get("k")!)));
    }

    [Fact]
    public async Task Under_replica_identity_default_an_update_that_changes_the_primary_key_but_no_named_column_stays_an_update()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, k text NOT NULL); INSERT INTO t VALUES (1, 'same')");
        using var task = new TaskRunner(db.Config("srv", ("message.key.columns", "public.t:k")));
        task.PollOnce();
        // The WAL carries the old primary key only: the old k is unknown, so no key change can be told from it.
        await db.ExecAsync("UPDATE t SET id = 2 WHERE id = 1");

        var record = Assert.Single(await task.PollAsync(1));
        Assert.Equal(("u", "same"), ((string)((Struct)record.Value!).Get("op")!, (string)((Struct)record.Key!).Get("k")!));
    }
}
