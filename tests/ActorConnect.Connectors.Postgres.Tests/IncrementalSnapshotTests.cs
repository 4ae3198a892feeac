using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.TestSupport;
using Npgsql;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>Incremental snapshots by signal: chunks by key, interleaved with streaming, DBLog windows, progress in the offset.</summary>
public sealed class IncrementalSnapshotTests
{
    internal const string SignalTable = "CREATE TABLE dbz_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))";

    [Fact]
    public async Task A_table_updated_throughout_its_incremental_snapshot_ends_with_every_row_and_no_stale_snapshot_row_after_a_newer_change()
    {
        const int rows = 3000;
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{SignalTable}; CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL); INSERT INTO t SELECT g, 0 FROM generate_series(1, {rows}) g");
        using var task = new TaskRunner(Config(db, "50"));
        task.PollOnce();

        using var stop = new CancellationTokenSource();
        var updaters = StartUpdaters(db, rows, stop.Token);
        await Signal(db, "execute-snapshot", """{"data-collections": ["public.t"], "type": "incremental"}""");

        var records = new List<SourceRecord>();
        await Eventually.AssertAsync(() =>
        {
            records.AddRange(task.PollOnce());
            return records.Any(r => Op(r) == "r") && records[^1].SourceOffset!.ContainsKey("incremental_snapshot_collections") is false;
        }, TimeSpan.FromSeconds(90), "the incremental snapshot completes", TimeSpan.Zero);
        await stop.CancelAsync();
        await Task.WhenAll(updaters);
        await db.ExecAsync($"INSERT INTO t VALUES ({rows + 1}, -1)");
        await Eventually.AssertAsync(() =>
        {
            records.AddRange(task.PollOnce());
            return records.Count > 0 && Id(records[^1]) == rows + 1;
        }, TimeSpan.FromSeconds(60), "the last insert is streamed", TimeSpan.Zero);

        var snapshotRows = records.Where(r => Op(r) == "r").ToList();
        Assert.All(snapshotRows, r => Assert.Equal("incremental", Source(r).Get("snapshot")));
        Assert.Equal(snapshotRows.Count, snapshotRows.Select(Id).Distinct().Count());
        Assert.True(records.Count(r => Op(r) == "u") > 0, "updates were streamed during the snapshot");

        var final = await TableAsync(db);
        var last = new Dictionary<int, int?>();
        foreach (var record in records)
        {
            var v = record.Value is null || Op(record) == "d" ? null : (int?)((Struct)((Struct)record.Value).Get("after")!).Get("v")!;
            // v only ever grows: a smaller one after a larger is a stale snapshot row after a newer update.
            Assert.False(v < last.GetValueOrDefault(Id(record)), $"row {Id(record)}: v={v} after v={last.GetValueOrDefault(Id(record))} ({Op(record)})");
            last[Id(record)] = v;
        }

        // Every row of the table is in the topic, and per key the last record is the row as it is now.
        Assert.Equal(final.OrderBy(kv => kv.Key).Select(kv => (kv.Key, (int?)kv.Value)), last.Where(kv => kv.Value is not null).OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public async Task An_incremental_snapshot_goes_on_after_a_restart_from_the_last_row_the_stored_offset_holds()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{SignalTable}; CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
        var offsets = new TaskRunner.MemoryOffsets();
        var signalId = "";
        using (var first = new TaskRunner(Config(db, "10"), offsets))
        {
            first.PollOnce();
            signalId = await Signal(db, "execute-snapshot", """{"data-collections": ["public\\.t"]}""");
            var records = await first.PollAsync(35);
            Assert.Equal(Enumerable.Range(1, 35), records.Take(35).Select(Id));
            first.AcknowledgeAndStore(records.Take(35));
        }

        // Debezium's offset keys: the tables left, the last key handed over, the largest key when the table's reading began.
        Assert.Equal("""[{"incremental_snapshot_collections_id":"public.t","incremental_snapshot_collections_additional_condition":null,"incremental_snapshot_collections_surrogate_key":null,"incremental_snapshot_collections_correlation_id":"ID"}]""".Replace("ID", signalId, StringComparison.Ordinal),
            offsets.Stored!["incremental_snapshot_collections"]);
        // The keys as Debezium writes them: hex of a Java-serialized Object[] (these two written by Java 17's ObjectOutputStream).
        Assert.Equal(("aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000023",
                "aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000064"),
            (offsets.Stored["incremental_snapshot_primary_key"], offsets.Stored["incremental_snapshot_maximum_key"]));

        await db.ExecAsync("UPDATE t SET v = 'new' WHERE id = 90");
        using var second = new TaskRunner(Config(db, "10"), offsets);
        var rest = new List<SourceRecord>();
        await Eventually.AssertAsync(() =>
        {
            rest.AddRange(second.PollOnce());
            return rest.Any(r => Op(r) == "r" && Id(r) == 100);
        }, TimeSpan.FromSeconds(60), "the snapshot reaches the last row", TimeSpan.Zero);
        // It reads on after row 35, never from the start again; row 90 comes as the update and as its new row.
        Assert.Equal(Enumerable.Range(36, 65), rest.Where(r => Op(r) == "r").Select(Id));
        Assert.Equal("new", ((Struct)((Struct)rest.Single(r => Op(r) == "r" && Id(r) == 90).Value!).Get("after")!).Get("v"));

        // The read after the last chunk finds no row: the snapshot is over, and the offsets after it do not carry it.
        await db.ExecAsync("INSERT INTO t VALUES (101, 'after')");
        var after = await second.PollAsync(1);
        Assert.Equal(("c", 101), (Op(after[^1]), Id(after[^1])));
        Assert.DoesNotContain("incremental_snapshot_collections", after[^1].SourceOffset!.Keys);
    }

    [Fact]
    public async Task Stop_snapshot_ends_the_snapshot_of_a_table_and_the_offsets_stop_carrying_it()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{SignalTable}; CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT g FROM generate_series(1, 50000) g");
        using var task = new TaskRunner(Config(db, "10"));
        task.PollOnce();
        await Signal(db, "execute-snapshot", """{"data-collections": ["public.t"], "type": "incremental"}""");
        var records = await task.PollAsync(10);
        await Signal(db, "stop-snapshot", """{"data-collections": ["public.t"], "type": "incremental"}""");
        await db.ExecAsync("INSERT INTO t VALUES (50001)");
        await Eventually.AssertAsync(() =>
        {
            records.AddRange(task.PollOnce());
            return records.Any(r => Op(r) == "c");
        }, TimeSpan.FromSeconds(60), "the insert after the stop is streamed", TimeSpan.Zero);

        Assert.True(records.Count(r => Op(r) == "r") < 50000, "the snapshot stopped before its end");
        var insert = records.Single(r => Op(r) == "c");
        Assert.DoesNotContain("incremental_snapshot_collections", insert.SourceOffset!.Keys);
        Assert.Empty(records.SkipWhile(r => r != insert).Skip(1));
    }

    [Fact]
    public async Task Pause_snapshot_stops_the_chunks_while_streaming_goes_on_resume_snapshot_reads_on_from_the_next_chunk_and_each_step_is_notified()
    {
        await using var db = await CdcDatabase.CreateAsync();
        // Too many chunks to finish while the test looks: rows read after the pause could only come from a snapshot not paused.
        await db.ExecAsync($"{SignalTable}; CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 50000)");
        var config = Config(db, "10");
        config["notification.enabled.channels"] = "sink,log";
        config["notification.sink.topic.name"] = "notes";
        using var task = new TaskRunner(config);
        var records = task.PollOnce();
        var id = await Signal(db, "execute-snapshot", """{"data-collections": ["public.t"]}""");
        records.AddRange(await SnapshotSignalTests.PollUntilAsync(task, rs => rs.Count(r => Op(r) == "r") >= 20, "two chunks are read"));
        await Signal(db, "pause-snapshot", "");
        await db.ExecAsync("INSERT INTO t VALUES (50001)");
        records.AddRange(await SnapshotSignalTests.PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c"), "the insert after the pause is streamed"));
        // The window open when the pause came may still close after that insert; one committed after this one is seen comes after it.
        await db.ExecAsync("INSERT INTO t VALUES (50002)");
        records.AddRange(await SnapshotSignalTests.PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c" && Id(r) == 50002), "the second insert is streamed"));
        await db.ExecAsync("INSERT INTO t VALUES (50003)");
        var paused = await SnapshotSignalTests.PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c" && Id(r) == 50003), "the third insert is streamed");
        Assert.DoesNotContain(paused, r => Op(r) == "r");
        records.AddRange(paused);

        var lastRead = records.Last(r => Op(r) == "r");
        await Signal(db, "resume-snapshot", "{}");
        var resumed = await SnapshotSignalTests.PollUntilAsync(task, rs => rs.Count(r => Op(r) == "r") >= 10, "the snapshot reads on");
        await Signal(db, "stop-snapshot", """{"data-collections": ["public.t"]}""");
        await db.ExecAsync("INSERT INTO t VALUES (50004)");
        resumed.AddRange(await SnapshotSignalTests.PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c" && Id(r) == 50004), "the insert after the stop is streamed"));
        records.AddRange(resumed);

        // From the row after the last one read before the pause: none skipped, none again.
        var reads = records.Where(r => Op(r) == "r").Select(Id).ToList();
        Assert.Equal(Enumerable.Range(1, reads.Count), reads);
        Assert.Equal(Id(lastRead) + 1, Id(resumed.First(r => Op(r) == "r")));

        // Debezium's notifications, on the sink's topic and in the log, each among the records where it happened.
        var notes = records.Where(r => r.Topic == "notes").ToList();
        Assert.All(notes, r => Assert.Equal(("io.debezium.connector.common.NotificationKey", "io.debezium.connector.common.Notification"), (r.KeySchema!.Name, r.ValueSchema!.Name)));
        Assert.All(notes, r => Assert.Null(r.SourceOffset));
        var kinds = notes.Select(r => $"{Note(r).Get("aggregate_type")}/{Note(r).Get("type")}").Distinct().ToList();
        Assert.Equal(["Initial Snapshot/SKIPPED", "Incremental Snapshot/STARTED", "Incremental Snapshot/IN_PROGRESS", "Incremental Snapshot/PAUSED",
            "Incremental Snapshot/RESUMED", "Incremental Snapshot/ABORTED"], kinds);
        Assert.All(notes.Where(r => (string)Note(r).Get("aggregate_type")! == "Incremental Snapshot"), r => Assert.Equal(id, (string)Note(r).Get("id")!));
        Assert.All(notes, r => Assert.Equal(Note(r).Get("id"), ((Struct)r.Key!).Get("id")));
        var first = Data(notes.First(r => (string)Note(r).Get("type")! == "IN_PROGRESS"));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["connector_name"] = "srv", ["data_collections"] = "public.t", ["current_collection_in_progress"] = "public.t", ["maximum_key"] = "50000", ["last_processed_key"] = "10",
        }, first);
        Assert.Equal("public.t", Data(notes.Single(r => (string)Note(r).Get("type")! == "PAUSED"))["data_collections"]);
        Assert.Equal("public.t", Data(notes.Single(r => (string)Note(r).Get("type")! == "ABORTED"))["data_collections"]);
        // No chunk is read between the pause and the resume.
        Assert.Equal(notes.FindIndex(r => (string)Note(r).Get("type")! == "PAUSED") + 1, notes.FindIndex(r => (string)Note(r).Get("type")! == "RESUMED"));
        var lines = new List<string>();
        while (task.Task.TryTakeLine(out var line))
        {
            lines.Add(line);
        }

        Assert.Equal(notes.Count, lines.Count(l => l.StartsWith("[Notification Service] {id='", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains($"{{id='{id}', aggregateType='Incremental Snapshot', type='PAUSED', additionalData={{", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signal_table_that_cannot_take_the_window_marks_fails_the_stream_naming_the_key_and_the_fix()
    {
        await using var db = await CdcDatabase.CreateAsync();
        // A signal table that refuses the window marks (here by a CHECK; in life a missing INSERT grant or a wrong shape).
        await db.ExecAsync($"{SignalTable}; ALTER TABLE dbz_signal ADD CHECK (type NOT LIKE 'snapshot-window%'); CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
        using var task = new TaskRunner(Config(db, "10"));
        task.PollOnce();
        await Signal(db, "execute-snapshot", """{"data-collections": ["public.t"]}""");

        var error = await Assert.ThrowsAnyAsync<ActorConnect.Api.Errors.ConnectException>(async () => await task.PollAsync(1));
        Assert.Contains("signal.data.collection", error.Message, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE public.dbz_signal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_signal_the_connector_cannot_act_on_gives_one_warning_naming_it_and_the_problem_and_streaming_goes_on()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{SignalTable}; CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE other (id int PRIMARY KEY)");
        using var task = new TaskRunner(Config(db, "10"));
        task.PollOnce();
        await Signal(db, "execute-snapshot", """{"data-collections": ["public.other", "public.nosuch"]}""");
        await Signal(db, "execute-snapshot", """{"data-collections": ["public.t"], "type": "parallel"}""");
        await Signal(db, "execute-snapshot", "not json");
        await Signal(db, "pause-snapshot", "");
        await Signal(db, "resume-snapshot", "");
        await Signal(db, "stop-snapshot", """{"data-collections": ["public.t"]}""");
        await Signal(db, "log", """{"text": "no message"}""");
        await Signal(db, "schema-changes", """{"database": "postgres", "changes": []}""");
        await Signal(db, "log", """{"message": "Offset now {}, and {} stays"}""");
        await db.ExecAsync("INSERT INTO t VALUES (1)");

        var warnings = new List<string>();
        var records = new List<SourceRecord>();
        await Eventually.AssertAsync(() =>
        {
            records.AddRange(task.PollOnce());
            if (task.Task.LastWarning is { } warning && !warnings.Contains(warning))
            {
                warnings.Add(warning);
            }

            return warnings.Count(w => w.StartsWith("Signal '", StringComparison.Ordinal)) == 8 && records.Any(r => Op(r) == "c");
        }, TimeSpan.FromSeconds(60), "eight warnings and the insert", TimeSpan.Zero);

        var signals = warnings.Where(w => w.StartsWith("Signal '", StringComparison.Ordinal)).ToList();
        Assert.Contains("'public.other' matches no captured table", signals[0], StringComparison.Ordinal);
        Assert.Contains("nothing is snapshotted", signals[0], StringComparison.Ordinal);
        Assert.Contains("(execute-snapshot) in public.dbz_signal is ignored: snapshots of type 'parallel' are unknown", signals[1], StringComparison.Ordinal);
        Assert.Contains("its data is not Debezium's JSON", signals[2], StringComparison.Ordinal);
        Assert.Contains("(pause-snapshot) in public.dbz_signal is ignored: no incremental snapshot is running", signals[3], StringComparison.Ordinal);
        Assert.Contains("(resume-snapshot) in public.dbz_signal is ignored: no incremental snapshot is running", signals[4], StringComparison.Ordinal);
        Assert.Contains("(stop-snapshot) in public.dbz_signal is ignored: no incremental snapshot is running", signals[5], StringComparison.Ordinal);
        Assert.Contains("(log) in public.dbz_signal is ignored: a log signal's data needs a message", signals[6], StringComparison.Ordinal);
        Assert.Contains("(schema-changes) in public.dbz_signal is ignored: Debezium's PostgreSQL connector takes nothing from it either", signals[7], StringComparison.Ordinal);
        // Debezium's log signal: the message at INFO, its first {} the offset where the signal arrived (as Java prints a map).
        Assert.True(task.Task.TryTakeLine(out var logged));
        Assert.Matches("^Offset now \\{lsn=\\d+, txId=\\d+, ts_usec=\\d+, lsn_proc=\\d+, lsn_commit=\\d+\\}, and \\{\\} stays$", logged);
        Assert.False(task.Task.TryTakeLine(out _));
        // Nothing was snapshotted: t's only record is the insert.
        Assert.Equal([("c", 1)], records.Where(r => r.Topic.EndsWith(".public.t", StringComparison.Ordinal)).Select(r => (Op(r), Id(r))));
    }

    private static Dictionary<string, string> Config(CdcDatabase db, string chunkSize) => db.Config("srv",
        ("table.include.list", "public\\.t"), ("signal.data.collection", "public.dbz_signal"), ("incremental.snapshot.chunk.size", chunkSize));

    /// <summary>
    /// Two sessions updating and deleting rows of t but its last 100 until <paramref name="stop"/>. Each update touches
    /// every 60th row, so it lands in every chunk: one committing while a chunk is read makes that chunk's row of the key stale, which only
    /// the deduplication keeps out.
    /// </summary>
    internal static List<Task> StartUpdaters(CdcDatabase db, int rows, CancellationToken stop) => Enumerable.Range(0, 2).Select(n => Task.Run(async () =>
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        for (var i = n; !stop.IsCancellationRequested; i += 2)
        {
            // Separate transactions: the two updaters' updates touch disjoint rows, so they never deadlock.
            // Never the last 100 rows: the snapshot's last row is always the table's last, as it was.
            await using var update = new NpgsqlCommand($"UPDATE t SET v = v + 1 WHERE id % 60 = {i % 60} AND id <= {rows - 100}", connection);
            await update.ExecuteNonQueryAsync();
            await using var delete = new NpgsqlCommand($"DELETE FROM t WHERE id = {(i * 37 % (rows - 100)) + 1}", connection);
            await delete.ExecuteNonQueryAsync();
        }
    })).ToList();

    /// <summary>Inserts a signal into the signal table; returns its id.</summary>
    internal static async Task<string> Signal(CdcDatabase db, string type, string data)
    {
        var id = Guid.NewGuid().ToString();
        await db.ExecAsync($"INSERT INTO dbz_signal VALUES ('{id}', '{type}', '{data.Replace("'", "''", StringComparison.Ordinal)}')");
        return id;
    }

    internal static async Task<Dictionary<int, int>> TableAsync(CdcDatabase db)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, v FROM t", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new Dictionary<int, int>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return rows;
    }

    private static Struct Source(SourceRecord record) => (Struct)((Struct)record.Value!).Get("source")!;

    private static Struct Note(SourceRecord record) => (Struct)record.Value!;

    private static Dictionary<string, string?> Data(SourceRecord record) => (Dictionary<string, string?>)Note(record).Get("additional_data")!;

    /// <summary>A change's op; null for a tombstone or a notification.</summary>
    private static string? Op(SourceRecord record) => record.Value is Struct { Schema: var schema } value && schema.Field("op") is not null ? value.Get("op") as string : null;

    private static int Id(SourceRecord record) => (int)((Struct)record.Key!).Get("id")!;
}
