using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>snapshot.mode: the existing rows as op r records from the slot's exported snapshot, then the stream.</summary>
public sealed class SnapshotTests
{
    private const string Setup =
        "CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY, v text); " +
        "INSERT INTO a VALUES (1, 'a1'), (2, 'a2'), (3, 'a3'); INSERT INTO b VALUES (1, 'b1'), (2, 'b2')";

    [Fact]
    public async Task Initial_reads_every_existing_row_once_as_r_marks_the_last_and_then_streams_later_changes()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        // Two rows a fetch: table a's rows span two fetches, b's fill one and end with an empty one.
        using var task = new TaskRunner(db.Config("srv", ("snapshot.mode", "initial"), ("snapshot.fetch.size", "2")));
        var snapshot = await task.PollAsync(5);
        Assert.Equal(5, snapshot.Count);
        Assert.Equal(["srv.public.a:1", "srv.public.a:2", "srv.public.a:3", "srv.public.b:1", "srv.public.b:2"], snapshot.Select(Describe).Order());
        Assert.All(snapshot, r => Assert.Equal("r", Envelope(r).Get("op")));
        Assert.All(snapshot, r => Assert.Null(Envelope(r).Get("before")));
        // Debezium's markers: the snapshot's first and last record, and each table's first and last row.
        Assert.Equal(["first", "true", "last_in_data_collection", "first_in_data_collection", "last"], snapshot.Select(r => ((Struct)Envelope(r).Get("source")!).Get("snapshot")));
        Assert.Equal([false, false, false, false, true], snapshot.Select(r => (bool)r.SourceOffset!["last_snapshot_record"]!));
        Assert.All(snapshot, r => Assert.Equal(true, r.SourceOffset!["snapshot"]));
        var consistentPoint = (long)snapshot[0].SourceOffset!["lsn"]!;
        Assert.All(snapshot, r => Assert.Equal(consistentPoint, ((Struct)Envelope(r).Get("source")!).Get("lsn")));

        await db.ExecAsync("INSERT INTO a VALUES (4, 'a4'); UPDATE b SET v = 'b2x' WHERE id = 2");
        var streamed = await task.PollAsync(2);
        Assert.Equal([("c", "srv.public.a:4"), ("u", "srv.public.b:2")], streamed.Select(r => ((string)Envelope(r).Get("op")!, Describe(r))));
        Assert.All(streamed, r => Assert.Equal("false", ((Struct)Envelope(r).Get("source")!).Get("snapshot")));
    }

    [Fact]
    public async Task A_snapshot_cut_short_is_taken_again_and_a_complete_one_is_not()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        var config = db.Config("srv", ("snapshot.mode", "initial"));
        var offsets = new TaskRunner.MemoryOffsets();
        ulong? slotAfterPartialSnapshot;
        using (var first = new TaskRunner(config, offsets))
        {
            var snapshot = await first.PollAsync(5);
            first.AcknowledgeAndStore(snapshot.Take(2));
            slotAfterPartialSnapshot = await db.ConfirmedFlushAsync();
        }

        await db.ExecAsync("INSERT INTO a VALUES (4, 'a4')");
        using (var second = new TaskRunner(config, offsets))
        {
            // The stored offset is of an unfinished snapshot: all six rows again, then the insert streamed from the slot.
            var records = await second.PollAsync(7);
            Assert.Equal(6, records.Count(r => (string)Envelope(r).Get("op")! == "r"));
            Assert.Equal(("c", "srv.public.a:4"), ((string)Envelope(records[^1]).Get("op")!, Describe(records[^1])));
            Assert.Equal(slotAfterPartialSnapshot, await db.ConfirmedFlushAsync());
            second.AcknowledgeAndStore(records);
        }

        await db.ExecAsync("INSERT INTO b VALUES (3, 'b3')");
        using var third = new TaskRunner(config, offsets);
        var rest = await third.PollAsync(1);
        Assert.Equal([("c", "srv.public.b:3")], rest.Select(r => ((string)Envelope(r).Get("op")!, Describe(r))));
    }

    [Fact]
    public async Task Initial_only_snapshots_and_then_streams_nothing()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        using var task = new TaskRunner(db.Config("srv", ("snapshot.mode", "initial_only")));
        Assert.Equal(5, (await task.PollAsync(5)).Count);
        await db.ExecAsync("INSERT INTO a VALUES (4, 'a4')");
        // The insert is committed before these polls: a streaming task would see it within them.
        var after = Enumerable.Range(0, 5).SelectMany(_ => task.PollOnce()).ToList();
        Assert.Empty(after);
    }

    [Fact]
    public async Task The_initial_snapshot_is_notified_table_by_table_among_its_rows_as_Debeziums_and_a_start_after_it_as_skipped()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync(Setup);
        var config = db.Config("srv", ("snapshot.mode", "initial"), ("snapshot.fetch.size", "2"), ("notification.enabled.channels", "sink"),
            ("notification.sink.topic.name", "notes"));
        var offsets = new TaskRunner.MemoryOffsets();
        using (var task = new TaskRunner(config, offsets))
        {
            var records = await task.PollAsync(11);
            string Label(SourceRecord r) => r.Topic == "notes" ? (string)Note(r).Get("type")! : r.Topic[^1..];
            Assert.Equal(["STARTED", "IN_PROGRESS", "a", "a", "a", "TABLE_SCAN_COMPLETED", "IN_PROGRESS", "b", "b", "TABLE_SCAN_COMPLETED", "COMPLETED"], records.Select(Label));
            var notes = records.Where(r => r.Topic == "notes").ToList();
            Assert.All(notes, r => Assert.Equal("Initial Snapshot", Note(r).Get("aggregate_type")));
            Assert.Equal(notes.Count, notes.Select(r => Note(r).Get("id")).Distinct().Count());
            Assert.Equal(new Dictionary<string, string?> { ["connector_name"] = "srv", ["current_collection_in_progress"] = "public.a", ["data_collections"] = "public.a,public.b" },
                Data(notes[1]));
            Assert.Equal(new Dictionary<string, string?>
            {
                ["connector_name"] = "srv", ["scanned_collection"] = "public.a", ["data_collections"] = "public.a,public.b", ["total_rows_scanned"] = "3", ["status"] = "SUCCEEDED",
            }, Data(notes[2]));
            Assert.Equal(new Dictionary<string, string?> { ["connector_name"] = "srv" }, Data(notes[^1]));
            Assert.True((long)Note(notes[0]).Get("timestamp")! > DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());
            // The notifications move no offset: the snapshot's last row still completes it.
            Assert.Equal(true, records.Last(r => r.Topic != "notes").SourceOffset!["last_snapshot_record"]);
            task.AcknowledgeAndStore(records);
        }

        using var restarted = new TaskRunner(config, offsets);
        var skipped = await restarted.PollAsync(1);
        Assert.Equal([("Initial Snapshot", "SKIPPED")], skipped.Select(r => ((string)Note(r).Get("aggregate_type")!, (string)Note(r).Get("type")!)));
    }

    private static Struct Note(SourceRecord record) => (Struct)record.Value!;

    private static Dictionary<string, string?> Data(SourceRecord record) => (Dictionary<string, string?>)Note(record).Get("additional_data")!;

    private static Struct Envelope(SourceRecord record) => (Struct)record.Value!;

    private static string Describe(SourceRecord record) => $"{record.Topic}:{((Struct)record.Key!).Get("id")}";
}
