using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.TestSupport;
using NpgsqlTypes;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// Heartbeats keep the slot moving while only tables outside the publication change (PostgreSQL 15+ sends nothing for
/// them but keepalives), and only through records whose offsets were stored.
/// </summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task With_heartbeats_the_slot_advances_while_only_a_table_outside_the_publication_changes()
    {
        await using var db = await CdcDatabase.CreateAsync();
        using var task = await CapturedOneChangeAsync(db, ("heartbeat.interval.ms", "100"));
        var past = await ChangeOtherTableAsync(db);

        var heartbeats = new List<SourceRecord>();
        await Eventually.AssertAsync(async () =>
        {
            var polled = task.PollOnce();
            heartbeats.AddRange(polled);
            task.AcknowledgeAndStore(polled);
            return await db.ConfirmedFlushAsync() >= past;
        }, TimeSpan.FromMinutes(1), "the slot is confirmed past the other table's changes", TimeSpan.Zero);

        var heartbeat = heartbeats[^1];
        Assert.Equal("__debezium-heartbeat.srv", heartbeat.Topic);
        Assert.Equal(0, heartbeat.KafkaPartition);
        Assert.Equal("io.debezium.connector.common.ServerNameKey", heartbeat.KeySchema!.Name);
        Assert.Equal("srv", ((Struct)heartbeat.Key!).Get("serverName"));
        Assert.Equal("io.debezium.connector.common.Heartbeat", heartbeat.ValueSchema!.Name);
        Assert.True((long)((Struct)heartbeat.Value!).Get("ts_ms")! > 0);
        Assert.True((ulong)(long)heartbeat.SourceOffset!["lsn_proc"]! >= past);
        Assert.Equal(["lsn", "lsn_commit", "lsn_proc", "ts_usec", "txId"], heartbeat.SourceOffset.Keys.Order());
    }

    [Fact]
    public async Task Without_heartbeats_the_slot_stays_at_the_last_captured_change()
    {
        await using var db = await CdcDatabase.CreateAsync();
        using var task = await CapturedOneChangeAsync(db);
        var confirmed = await db.ConfirmedFlushAsync();
        var past = await ChangeOtherTableAsync(db);

        // The client has received and acknowledged everything the server sent past the other table's changes...
        await Eventually.AssertAsync(async () =>
        {
            Assert.Empty(task.PollOnce());
            return await WrittenAsync(db) >= past;
        }, TimeSpan.FromMinutes(1), "the walsender is past the other table's changes", TimeSpan.Zero);

        // ...and yet the slot is where the last captured change left it.
        Assert.Equal(confirmed, await db.ConfirmedFlushAsync());
    }

    [Fact]
    public async Task Heartbeats_are_not_confirmed_before_their_offsets_are_stored()
    {
        await using var db = await CdcDatabase.CreateAsync();
        using var task = await CapturedOneChangeAsync(db, ("heartbeat.interval.ms", "100"));
        var confirmed = await db.ConfirmedFlushAsync();
        var past = await ChangeOtherTableAsync(db);

        // Heartbeats keep coming, Kafka acknowledges none of them.
        var heartbeats = new List<SourceRecord>();
        await Eventually.AssertAsync(async () =>
        {
            heartbeats.AddRange(task.PollOnce());
            return heartbeats.Count > 0 && (ulong)(long)heartbeats[^1].SourceOffset!["lsn_proc"]! >= past && await WrittenAsync(db) >= past;
        }, TimeSpan.FromMinutes(1), "a heartbeat past the other table's changes", TimeSpan.Zero);

        Assert.Equal(confirmed, await db.ConfirmedFlushAsync());
    }

    [Fact]
    public async Task The_heartbeat_action_query_runs_before_each_heartbeat()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE beats (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
        using var task = await CapturedOneChangeAsync(db, ("heartbeat.interval.ms", "100"), ("heartbeat.action.query", "INSERT INTO beats DEFAULT VALUES"));

        await Eventually.AssertAsync(() =>
        {
            var polled = task.PollOnce();
            task.AcknowledgeAndStore(polled);
            return polled.Any(r => r.Topic == "srv.public.beats");
        }, TimeSpan.FromMinutes(1), "the action query's inserts are captured", TimeSpan.Zero);
    }

    [Fact]
    public async Task The_status_says_when_the_slot_lags_behind_the_WAL_and_when_it_has_caught_up()
    {
        await using var db = await CdcDatabase.CreateAsync();
        using var task = await CapturedOneChangeAsync(db, ("heartbeat.interval.ms", "100"), ("slot.lag.warning.bytes", (4 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // About 8 MiB of WAL for a table outside the publication, and no heartbeat acknowledged: the slot lags.
        await db.ExecAsync("INSERT INTO other SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g");
        await Eventually.AssertAsync(() =>
        {
            task.PollOnce();
            return task.Task.LastWarning?.Contains("behind the server's WAL", StringComparison.Ordinal) == true;
        }, TimeSpan.FromMinutes(1), "the status says the slot lags", TimeSpan.Zero);
        Assert.Contains($"replication slot '{db.Slot}' is ", task.Task.LastWarning, StringComparison.Ordinal);
        Assert.Contains("heartbeat.interval.ms", task.Task.LastWarning, StringComparison.Ordinal);

        // Kafka acknowledges the heartbeats: the slot catches up, and the status says so.
        await Eventually.AssertAsync(() =>
        {
            task.AcknowledgeAndStore(task.PollOnce());
            return task.Task.LastWarning?.Contains("has caught up", StringComparison.Ordinal) == true;
        }, TimeSpan.FromMinutes(1), "the status says the slot caught up", TimeSpan.Zero);
    }

    /// <summary>A task on table "watched" (the filtered publication leaves "other" out), with one change delivered, stored and confirmed.</summary>
    private static async Task<TaskRunner> CapturedOneChangeAsync(CdcDatabase db, params (string Key, string Value)[] extra)
    {
        await db.ExecAsync("CREATE TABLE watched (id int PRIMARY KEY); CREATE TABLE other (id int PRIMARY KEY, v text)");
        var task = new TaskRunner(db.Config("srv", [("table.include.list", "public\\.(watched|beats)"), ("publication.autocreate.mode", "filtered"), .. extra]));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO watched VALUES (1)");
        var records = await task.PollAsync(1);
        task.AcknowledgeAndStore(records);
        var commit = (ulong)(long)records[0].SourceOffset!["lsn_commit"]!;
        // Heartbeats polled meanwhile are not acknowledged: the slot stops exactly at the end of the change's transaction.
        await Eventually.AssertAsync(async () =>
        {
            task.PollOnce();
            return await db.ConfirmedFlushAsync() > commit;
        }, TimeSpan.FromMinutes(1), "the captured change is confirmed", TimeSpan.Zero);
        return task;
    }

    /// <summary>Changes only "other"; returns a position the slot can reach only by moving past them.</summary>
    private static async Task<ulong> ChangeOtherTableAsync(CdcDatabase db)
    {
        for (var i = 0; i < 5; i++)
        {
            await db.ExecAsync($"INSERT INTO other SELECT g, repeat('x', 100) FROM generate_series({i * 100}, {(i * 100) + 99}) g");
        }

        var past = NpgsqlLogSequenceNumber.Parse((await db.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text"))!);
        await db.ExecAsync("UPDATE other SET v = 'y'");
        return (ulong)past;
    }

    /// <summary>How far the task's replication connection has told the server it received (pg_stat_replication.write_lsn).</summary>
    private static async Task<ulong> WrittenAsync(CdcDatabase db)
    {
        var text = await db.ScalarAsync<string>(
            $"SELECT r.write_lsn::text FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = '{db.Slot}'");
        return text is null ? 0 : (ulong)NpgsqlLogSequenceNumber.Parse(text);
    }
}
