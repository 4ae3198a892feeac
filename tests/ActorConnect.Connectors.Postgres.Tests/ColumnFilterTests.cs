using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>column.include.list / column.exclude.list: the columns left out are absent from before, after and the Value schema.</summary>
public sealed class ColumnFilterTests
{
    private const string Setup =
        "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, password text, email text); ALTER TABLE users REPLICA IDENTITY FULL; " +
        "CREATE TABLE notes (id int PRIMARY KEY, password text); INSERT INTO users VALUES (1, 'ann', 'secret', 'a@x'); INSERT INTO notes VALUES (1, 'n')";

    [Fact]
    public async Task An_excluded_column_is_absent_from_snapshot_rows_and_from_before_and_after_of_streamed_changes()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        using var task = new TaskRunner(db.Config("srv", ("snapshot.mode", "initial"), ("column.exclude.list", "public\\.users\\.(password|email)")));
        var snapshot = await task.PollAsync(2);
        var user = snapshot.Single(r => r.Topic == "srv.public.users");
        Assert.Equal(["id", "name"], Fields(user, "after"));
        Assert.Equal(["id", "name"], ((Struct)((Struct)user.Value!).Get("after")!).Schema.Fields.Select(f => f.Name));
        Assert.Equal("ann", After(user).Get("name"));
        // Only the named table loses the column: the regex is on schema.table.column.
        Assert.Equal(["id", "password"], Fields(snapshot.Single(r => r.Topic == "srv.public.notes"), "after"));

        await db.ExecAsync("INSERT INTO users VALUES (2, 'bob', 'pw', 'b@x'); UPDATE users SET password = 'new', name = 'anne' WHERE id = 1; DELETE FROM users WHERE id = 2");
        var streamed = (await task.PollAsync(4)).Where(r => r.Value is not null).ToList();
        Assert.Equal(["c", "u", "d"], streamed.Select(r => (string)((Struct)r.Value!).Get("op")!));
        var update = (Struct)streamed[1].Value!;
        Assert.Equal(("ann", "anne"), (((Struct)update.Get("before")!).Get("name"), ((Struct)update.Get("after")!).Get("name")));
        Assert.All(streamed, r => Assert.Equal(["id", "name"], Fields(r, r == streamed[2] ? "before" : "after")));
        Assert.Equal(["id", "name"], Fields(streamed[1], "before"));
    }

    [Fact]
    public async Task An_include_list_keeps_only_the_named_columns_and_the_key_keeps_an_excluded_primary_key()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        using var task = new TaskRunner(db.Config("srv", ("table.include.list", "public\\.users"), ("column.include.list", "public\\.users\\.(name|email)")));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO users VALUES (2, 'bob', 'pw', 'b@x')");

        var record = Assert.Single(await task.PollAsync(1));
        Assert.Equal(["name", "email"], Fields(record, "after"));
        Assert.Equal(["name", "email"], record.ValueSchema!.Field("after")!.Schema.Fields.Select(f => f.Name));
        // As in Debezium, the column lists shape the value only: the key is still the primary key.
        Assert.Equal(2, ((Struct)record.Key!).Get("id"));
    }

    private static Struct After(SourceRecord record) => (Struct)((Struct)record.Value!).Get("after")!;

    private static IEnumerable<string> Fields(SourceRecord record, string side) => ((Struct)((Struct)record.Value!).Get(side)!).Schema.Fields.Select(f => f.Name);
}
