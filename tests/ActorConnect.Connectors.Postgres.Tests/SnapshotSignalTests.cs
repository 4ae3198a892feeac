using System.Text.Json.Nodes;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// What an execute-snapshot signal may ask besides the tables: additional conditions (Debezium 2.x's list and 1.x's
/// string), a surrogate key, and a blocking snapshot instead of an incremental one.
/// </summary>
public sealed class SnapshotSignalTests
{
    [Fact]
    public async Task An_incremental_snapshot_with_additional_conditions_reads_only_the_rows_they_select_and_the_offset_keeps_the_condition()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 300) g");
        var offsets = new TaskRunner.MemoryOffsets();
        using var task = new TaskRunner(Config(db), offsets);
        task.PollOnce();
        await IncrementalSnapshotTests.Signal(db, "execute-snapshot",
            """{"data-collections": ["public.t"], "type": "INCREMENTAL", "additional-conditions": [{"data-collection": "PUBLIC\\.T", "filter": "id > 100 AND id % 2 = 0"}]}""");

        var records = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "r" && Id(r) == 300), "the snapshot reaches row 300");
        Assert.Equal(Enumerable.Range(51, 100).Select(i => i * 2), records.Where(r => Op(r) == "r").Select(Id));
        // Debezium's offset keeps each table's condition, so a restarted task reads on with it.
        var collections = JsonNode.Parse((string)records.First(r => Op(r) == "r").SourceOffset!["incremental_snapshot_collections"]!)!.AsArray();
        Assert.Equal("id > 100 AND id % 2 = 0", (string?)collections.Single()!["incremental_snapshot_collections_additional_condition"]);
        Assert.Equal("id > 100 AND id % 2 = 0", IncrementalProgress.FromOffset(records.First(r => Op(r) == "r").SourceOffset)!.Collections.Single().Condition);
    }

    [Fact]
    public async Task Debezium_1x_additional_condition_string_filters_the_table_the_signal_names()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY, v text); " +
                           "INSERT INTO t SELECT g, CASE WHEN g % 3 = 0 THEN 'blue' ELSE 'red' END FROM generate_series(1, 60) g");
        using var task = new TaskRunner(Config(db));
        task.PollOnce();
        await IncrementalSnapshotTests.Signal(db, "execute-snapshot", """{"data-collections": ["public.t"], "additional-condition": "v = 'blue'"}""");

        var records = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "r" && Id(r) == 60), "the snapshot reaches row 60");
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i * 3), records.Where(r => Op(r) == "r").Select(Id));
    }

    [Fact]
    public async Task An_additional_condition_the_database_refuses_gives_a_warning_naming_the_signal_and_the_error_and_the_other_tables_and_streaming_go_on()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE u (id int PRIMARY KEY); " +
                           "INSERT INTO t SELECT generate_series(1, 30); INSERT INTO u SELECT generate_series(1, 30)");
        using var task = new TaskRunner(db.Config("srv", ("table.include.list", "public\\.(t|u)"), ("signal.data.collection", "public.dbz_signal"),
            ("incremental.snapshot.chunk.size", "10")));
        task.PollOnce();
        var id = await IncrementalSnapshotTests.Signal(db, "execute-snapshot",
            """{"data-collections": ["public.t", "public.u"], "additional-conditions": [{"data-collection": "public.t", "filter": "id >>> 3"}]}""");

        var warnings = new List<string>();
        var records = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "r" && Table(r) == "u" && Id(r) == 30), "u is snapshotted", warnings);
        await db.ExecAsync("INSERT INTO t VALUES (31)");
        records.AddRange(await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c"), "the insert is streamed", warnings));

        var warning = Assert.Single(warnings, w => w.Contains(id, StringComparison.Ordinal));
        Assert.Contains($"Signal '{id}' (execute-snapshot): public.t is not snapshotted: its additional condition 'id >>> 3' fails: 42", warning, StringComparison.Ordinal);
        Assert.Contains("operator does not exist", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(records, r => Op(r) == "r" && Table(r) == "t");
        Assert.Equal(Enumerable.Range(1, 30), records.Where(r => Op(r) == "r" && Table(r) == "u").Select(Id));
    }

    [Fact]
    public async Task A_surrogate_key_chunks_the_incremental_snapshot_by_that_column_and_an_unknown_one_gives_a_warning()
    {
        await using var db = await CdcDatabase.CreateAsync();
        // seq runs against id: chunks by seq hand the rows over in falling id order.
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY, seq int NOT NULL UNIQUE); INSERT INTO t SELECT g, 1000 - g FROM generate_series(1, 45) g");
        using var task = new TaskRunner(Config(db));
        task.PollOnce();
        var unknown = await IncrementalSnapshotTests.Signal(db, "execute-snapshot", """{"data-collections": ["public.t"], "surrogate-key": "nosuch"}""");
        await IncrementalSnapshotTests.Signal(db, "execute-snapshot", """{"data-collections": ["public.t"], "surrogate-key": "seq"}""");

        var warnings = new List<string>();
        var records = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "r" && Id(r) == 1), "the snapshot reaches id 1", warnings);
        Assert.Contains(warnings, w => w.Contains($"Signal '{unknown}' (execute-snapshot): public.t is not snapshotted: its surrogate-key 'nosuch' is no column of public.t (columns: id, seq)",
            StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 45).Reverse(), records.Where(r => Op(r) == "r").Select(Id));
        // The records keep the table's key; the offset says which column chunks it.
        Assert.Equal("seq", IncrementalProgress.FromOffset(records.First(r => Op(r) == "r").SourceOffset)!.Collections.Single().SurrogateKey);
    }

    [Fact]
    public async Task A_table_without_a_primary_key_is_left_out_of_an_incremental_snapshot_with_a_warning_naming_it_and_the_fix_and_the_others_are_read()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE nokey (id int, v text); CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE e (id int PRIMARY KEY); " +
                           "INSERT INTO nokey SELECT g, 'x' FROM generate_series(1, 5) g; INSERT INTO t SELECT generate_series(1, 25)");
        using var task = new TaskRunner(db.Config("srv", ("table.include.list", "public\\.(nokey|t|e)"), ("signal.data.collection", "public.dbz_signal"),
            ("incremental.snapshot.chunk.size", "10"), ("notification.enabled.channels", "log")));
        task.PollOnce();
        var id = await IncrementalSnapshotTests.Signal(db, "execute-snapshot", """{"data-collections": ["public.nokey", "public.t", "public.e"]}""");
        await db.ExecAsync("INSERT INTO nokey VALUES (6, 'streamed')");

        var warnings = new List<string>();
        var records = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "r" && Id(r) == 25) && rs.Any(r => Op(r) == "c"), "t is snapshotted and the insert streamed", warnings);
        Assert.Contains(warnings, w => w.StartsWith($"Signal '{id}' (execute-snapshot): public.nokey is not snapshotted: it has no primary key", StringComparison.Ordinal)
            && w.Contains("ALTER TABLE public.nokey ADD PRIMARY KEY", StringComparison.Ordinal) && w.Contains("message.key.columns", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => ("t", i)), records.Where(r => Op(r) == "r").Select(r => (Table(r), Id(r))));
        Assert.Equal(("c", "nokey"), records.Where(r => Op(r) == "c").Select(r => (Op(r)!, Table(r))).Single());

        // Each table's scan ends with Debezium's status (the log notification channel, a line each), then the snapshot is complete.
        var lines = new List<string>();
        await Eventually.AssertAsync(() =>
        {
            task.PollOnce();
            while (task.Task.TryTakeLine(out var line))
            {
                lines.Add(line);
            }

            return lines.Any(l => l.Contains("type='COMPLETED'", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), "the COMPLETED notification", TimeSpan.Zero);
        var scans = lines.Where(l => l.Contains("type='TABLE_SCAN_COMPLETED'", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, scans.Count);
        Assert.Contains("scanned_collection=public.nokey", scans[0], StringComparison.Ordinal);
        Assert.Contains("status=NO_PRIMARY_KEY", scans[0], StringComparison.Ordinal);
        Assert.Contains("total_rows_scanned=25", scans[1], StringComparison.Ordinal);
        Assert.Contains("status=SUCCEEDED", scans[1], StringComparison.Ordinal);
        Assert.Contains("status=EMPTY", scans[2], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains("connector_name=srv", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blocking_snapshot_pauses_streaming_reads_the_tables_through_their_filters_with_Debeziums_markers_and_streaming_resumes_with_nothing_lost()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY, v text); CREATE TABLE u (id int PRIMARY KEY); " +
                           "INSERT INTO t SELECT g, 'old' FROM generate_series(1, 50) g; INSERT INTO u SELECT generate_series(1, 5)");
        var offsets = new TaskRunner.MemoryOffsets();
        var config = db.Config("srv", ("table.include.list", "public\\.(t|u)"), ("signal.data.collection", "public.dbz_signal"));
        var all = new List<SourceRecord>();
        using (var task = new TaskRunner(config, offsets))
        {
            task.PollOnce();
            await db.ExecAsync("INSERT INTO t VALUES (51, 'before')");
            await IncrementalSnapshotTests.Signal(db, "execute-snapshot",
                """{"type": "blocking", "data-collections": ["public.t", "public.u"], "additional-conditions": [{"data-collection": "public.t", "filter": "SELECT * FROM public.t WHERE id <= 20"}]}""");
            // Changes committed after the signal: streamed once the snapshot is over.
            await db.ExecAsync("INSERT INTO t VALUES (52, 'after'); UPDATE t SET v = 'new' WHERE id = 3");
            all.AddRange(await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "u"), "the update after the signal is streamed"));
            // Kafka has everything up to the snapshot's last record, not the changes after it.
            task.AcknowledgeAndStore(all.Take(all.FindLastIndex(r => Op(r) == "r") + 1));
        }

        var reads = all.Where(r => Op(r) == "r").ToList();
        // Table by table, each in its scan order (an updated row may come last).
        Assert.Equal(Enumerable.Range(1, 20).Select(i => ("t", i)).Concat(Enumerable.Range(1, 5).Select(i => ("u", i))),
            reads.Select(r => (Table(r), Id(r))).OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2));
        Assert.Equal(Enumerable.Repeat("t", 20).Concat(Enumerable.Repeat("u", 5)), reads.Select(Table));
        // Debezium's markers, as the initial snapshot's; the rows as read now (3 may already be 'new').
        Assert.Equal(["first", "true", "last_in_data_collection", "first_in_data_collection", "last"],
            new[] { reads[0], reads[1], reads[19], reads[20], reads[24] }.Select(r => (string?)Source(r).Get("snapshot")));
        // In stream order: the insert before the signal, the snapshot, then the changes after it, nothing lost.
        var changes = all.Where(r => Table(r) == "t" && Op(r) is "c" or "u").Select(r => (Op(r), Id(r))).ToList();
        Assert.Equal([("c", 51), ("c", 52), ("u", 3)], changes);
        Assert.True(all.FindIndex(r => Op(r) == "c" && Id(r) == 51) < all.IndexOf(reads[0]) && all.IndexOf(reads[^1]) < all.FindIndex(r => Op(r) == "c" && Id(r) == 52),
            "the snapshot comes between the changes before and after its signal");
        // A blocking snapshot's offsets are the stream's where it paused: a restart streams on from there, with the
        // changes after the signal, and does not snapshot again.
        Assert.All(reads, r => Assert.False(r.SourceOffset!.ContainsKey("snapshot")));
        await db.ExecAsync("INSERT INTO u VALUES (6)");
        using var restarted = new TaskRunner(config, offsets);
        var rest = await PollUntilAsync(restarted, rs => rs.Any(r => Op(r) == "c" && Table(r) == "u"), "the insert after the restart is streamed");
        Assert.Equal([("c", "t", 52), ("u", "t", 3), ("c", "u", 6)], rest.Select(r => (Op(r), Table(r), Id(r))));
    }

    [Fact]
    public async Task A_blocking_snapshot_filter_the_database_refuses_gives_a_warning_naming_the_signal_and_the_other_tables_are_read()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE u (id int PRIMARY KEY); " +
                           "INSERT INTO t SELECT generate_series(1, 5); INSERT INTO u SELECT generate_series(1, 5)");
        using var task = new TaskRunner(db.Config("srv", ("table.include.list", "public\\.(t|u)"), ("signal.data.collection", "public.dbz_signal")));
        task.PollOnce();
        var id = await IncrementalSnapshotTests.Signal(db, "execute-snapshot",
            """{"type": "blocking", "data-collections": ["public.t", "public.u"], "additional-conditions": [{"data-collection": "public.t", "filter": "SELECT * FROM [public].[t]"}]}""");
        await db.ExecAsync("INSERT INTO t VALUES (6)");

        var warnings = new List<string>();
        var records = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c" && Id(r) == 6) && warnings.Any(w => w.StartsWith($"Signal '{id}'", StringComparison.Ordinal)),
            "the insert after the signal is streamed and the signal's warning shown", warnings);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => ("u", i)), records.Where(r => Op(r) == "r").Select(r => (Table(r), Id(r))));
        Assert.Contains(warnings, w => w.StartsWith($"Signal '{id}' (execute-snapshot) in public.dbz_signal", StringComparison.Ordinal)
            && w.Contains("its additional condition for public.t, 'SELECT * FROM [public].[t]', fails: 42601: syntax error", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> Config(CdcDatabase db) => db.Config("srv",
        ("table.include.list", "public\\.t"), ("signal.data.collection", "public.dbz_signal"), ("incremental.snapshot.chunk.size", "10"));

    /// <summary>Polls until <paramref name="done"/> holds for the records polled (or fails after a minute), collecting the task's warnings.</summary>
    internal static async Task<List<SourceRecord>> PollUntilAsync(TaskRunner task, Func<List<SourceRecord>, bool> done, string what, List<string>? warnings = null)
    {
        var records = new List<SourceRecord>();
        await Eventually.AssertAsync(() =>
        {
            records.AddRange(task.PollOnce());
            if (warnings is not null && task.Task.LastWarning is { } warning && !warnings.Contains(warning))
            {
                warnings.Add(warning);
            }

            return done(records);
        }, TimeSpan.FromSeconds(60), what, TimeSpan.Zero);
        return records;
    }

    internal static Struct Source(SourceRecord record) => (Struct)((Struct)record.Value!).Get("source")!;

    /// <summary>A change's op; null for a tombstone or a notification.</summary>
    internal static string? Op(SourceRecord record) => record.Value is Struct { Schema: var schema } value && schema.Field("op") is not null ? value.Get("op") as string : null;

    internal static string Table(SourceRecord record) => (string)Source(record).Get("table")!;

    internal static int Id(SourceRecord record) => (int)((Struct)record.Key!).Get("id")!;
}
