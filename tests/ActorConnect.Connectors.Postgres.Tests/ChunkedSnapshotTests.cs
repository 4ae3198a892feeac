using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using Npgsql;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>The initial snapshot of a large table through a cursor, and the stream after it, each change exactly once.</summary>
public sealed class ChunkedSnapshotTests
{
    private const int BigRows = 100_000;

    [Fact]
    public async Task A_100000_row_snapshot_then_changes_in_several_tables_and_transactions_arrive_exactly_once_in_commit_order()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL, n int NOT NULL); INSERT INTO big SELECT g, 'v' || g, 0 FROM generate_series(1, {BigRows}) g; " +
                           "CREATE TABLE a (id int PRIMARY KEY, v text); INSERT INTO a VALUES (1, 'a1'), (2, 'a2'), (3, 'a3'); " +
                           "CREATE TABLE b (id int PRIMARY KEY, v text); INSERT INTO b VALUES (1, 'b1'), (2, 'b2'), (3, 'b3')");
        using var task = new TaskRunner(db.Config("srv", ("snapshot.mode", "initial"), ("snapshot.fetch.size", "7000")));
        // The snapshot is under way (its transaction holds the slot's exported snapshot) while these commit.
        var records = await task.PollAsync(1);
        await InTransactionAsync(db, "INSERT INTO big SELECT g, 'new', 0 FROM generate_series(100001, 100005) g", "UPDATE a SET v = 'a1x' WHERE id = 1");
        var updateTx = await InTransactionAsync(db, "UPDATE big SET n = n + 1 WHERE id = 99999", "UPDATE big SET n = n + 1 WHERE id = 7", "DELETE FROM b WHERE id = 2");
        await InTransactionAsync(db, "INSERT INTO b VALUES (10, 'b10')", "DELETE FROM big WHERE id = 50000", "UPDATE big SET n = 9 WHERE id = 100001");
        await InTransactionAsync(db, "UPDATE a SET v = 'a1y' WHERE id = 1", "INSERT INTO a VALUES (99, 'end')");

        const int expected = BigRows + 6 + 16;
        records.AddRange(await task.PollAsync(expected - records.Count));
        Assert.Equal(expected, records.Count);
        Assert.Equal("c:99", Describe(records[^1]));

        var snapshot = records.Where(r => Op(r) == "r").ToList();
        Assert.Equal(BigRows + 6, snapshot.Count);
        Assert.Equal(Enumerable.Range(1, BigRows), snapshot.Where(r => r.Topic == "srv.public.big").Select(Id).Order());
        Assert.Equal([1, 2, 3, 1, 2, 3], snapshot.Where(r => r.Topic != "srv.public.big").Select(Id));
        // The snapshot reads the tables as of the slot's consistent point: none of the later changes.
        Assert.Equal(0, After(snapshot.Single(r => r.Topic == "srv.public.big" && Id(r) == 99999)).Get("n"));
        Assert.True(records.Take(snapshot.Count).All(r => Op(r) == "r"), "the snapshot comes whole before the stream");

        var streamed = records.Skip(snapshot.Count).ToList();
        Assert.Equal(["c:100001", "c:100002", "c:100003", "c:100004", "c:100005", "u:99999", "u:7", "d:50000", "tombstone:50000", "u:100001"],
            streamed.Where(r => r.Topic == "srv.public.big").Select(Describe));
        Assert.Equal(["u:1", "u:1", "c:99"], streamed.Where(r => r.Topic == "srv.public.a").Select(Describe));
        Assert.Equal(["d:2", "tombstone:2", "c:10"], streamed.Where(r => r.Topic == "srv.public.b").Select(Describe));

        var first = snapshot[0];
        Assert.Equal(("srv.public.a", "srv.public.a.Key", 1), (first.Topic, first.KeySchema!.Name, Id(first)));
        AssertEnvelope(first, db.Name, "a", "r", null, "id=1,v=a1", "first");
        Assert.Equal(["last_snapshot_record", "lsn", "snapshot", "ts_usec", "txId"], first.SourceOffset!.Keys.Order());
        Assert.Equal((true, false), ((bool)first.SourceOffset["snapshot"]!, (bool)first.SourceOffset["last_snapshot_record"]!));
        var last = snapshot[^1];
        AssertEnvelope(last, db.Name, "big", "r", null, $"id={Id(last)},v=v{Id(last)},n=0", "last");
        Assert.True((bool)last.SourceOffset!["last_snapshot_record"]!);

        var update = streamed.First(r => Describe(r) == "u:99999");
        AssertEnvelope(update, db.Name, "big", "u", null, "id=99999,v=v99999,n=1", "false");
        Assert.Equal(updateTx, Source(update).Get("txId"));
        Assert.Equal(["lsn", "lsn_commit", "lsn_proc", "ts_usec", "txId"], update.SourceOffset!.Keys.Order());
        Assert.Equal(Source(update).Get("lsn"), update.SourceOffset["lsn"]);
        Assert.Equal(updateTx, update.SourceOffset["txId"]);
        var delete = streamed.First(r => Describe(r) == "d:50000");
        // REPLICA IDENTITY DEFAULT: the old row holds the key, the NOT NULL columns their type's empty value.
        AssertEnvelope(delete, db.Name, "big", "d", "id=50000,v=,n=0", null, "false");
    }

    private static void AssertEnvelope(SourceRecord record, string database, string table, string op, string? before, string? after, string snapshot)
    {
        var envelope = (Struct)record.Value!;
        Assert.Equal($"srv.public.{table}.Envelope", envelope.Schema.Name);
        Assert.Equal(op, envelope.Get("op"));
        Assert.Equal(before, Row(envelope.Get("before") as Struct));
        Assert.Equal(after, Row(envelope.Get("after") as Struct));
        Assert.Null(envelope.Get("transaction"));
        var source = Source(record);
        Assert.Equal(("postgresql", "srv", database, "public", table, snapshot),
            ((string)source.Get("connector")!, (string)source.Get("name")!, (string)source.Get("db")!, (string)source.Get("schema")!, (string)source.Get("table")!, (string)source.Get("snapshot")!));
        Assert.Equal(source.Get("txId"), record.SourceOffset!["txId"]);
        Assert.Equal(source.Get("ts_us"), record.SourceOffset["ts_usec"]);
        Assert.True((long)envelope.Get("ts_ms")! >= (long)source.Get("ts_ms")!, "the event is processed after its commit");
    }

    /// <summary>Runs the statements in one transaction; returns its id.</summary>
    private static async Task<long> InTransactionAsync(CdcDatabase db, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, connection, transaction);
            await cmd.ExecuteNonQueryAsync();
        }

        await using var txid = new NpgsqlCommand("SELECT txid_current()", connection, transaction);
        var id = (long)(await txid.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return id;
    }

    private static string? Row(Struct? row) => row is null ? null : string.Join(",", row.Schema.Fields.Select(f => $"{f.Name}={row.Get(f.Name)}"));

    private static Struct Source(SourceRecord record) => (Struct)((Struct)record.Value!).Get("source")!;

    private static Struct After(SourceRecord record) => (Struct)((Struct)record.Value!).Get("after")!;

    private static string? Op(SourceRecord record) => (record.Value as Struct)?.Get("op") as string;

    private static int Id(SourceRecord record) => (int)((Struct)record.Key!).Get("id")!;

    private static string Describe(SourceRecord record) => $"{Op(record) ?? "tombstone"}:{Id(record)}";
}
