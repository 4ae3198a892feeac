using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// At least once: the slot is confirmed only past changes whose records were acknowledged and stored, and a task
/// restarted from the stored offset streams every change after it, none missing.
/// </summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task A_restart_mid_stream_misses_no_change_and_the_slot_is_never_confirmed_past_acknowledged_records()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        var config = db.Config("srv", ("max.batch.size", "7"));
        var offsets = new TaskRunner.MemoryOffsets();
        var seen = new List<int>();
        ulong acknowledgedEnd;
        using (var first = new TaskRunner(config, offsets))
        {
            first.PollOnce();
            var start = await db.ConfirmedFlushAsync();
            // Ten transactions of ten rows each, then an update and a delete in one more.
            for (var tx = 0; tx < 10; tx++)
            {
                await db.ExecAsync($"INSERT INTO t SELECT g, 'v' || g FROM generate_series({(tx * 10) + 1}, {(tx * 10) + 10}) g");
            }

            await db.ExecAsync("BEGIN; UPDATE t SET v = 'updated' WHERE id = 1; DELETE FROM t WHERE id = 2; COMMIT");

            // 45 records polled (through the middle of the fifth transaction); Kafka acknowledges only the first 35.
            var polled = await first.PollAsync(45);
            Assert.Equal(Enumerable.Range(1, polled.Count), polled.Select(Id));
            var acknowledged = polled.Take(35).ToList();
            first.AcknowledgeAndStore(acknowledged);
            seen.AddRange(acknowledged.Select(Id));

            // The slot may be confirmed to the end of the third transaction (records 21-30 complete), not past record 35.
            var thirdCommit = (ulong)(long)polled[29].SourceOffset!["lsn_commit"]!;
            var fourthCommit = (ulong)(long)polled[30].SourceOffset!["lsn_commit"]!;
            await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() > thirdCommit, TimeSpan.FromSeconds(30), "the slot advances past the acknowledged transactions");
            acknowledgedEnd = (await db.ConfirmedFlushAsync())!.Value;
            Assert.True(acknowledgedEnd > start && acknowledgedEnd <= fourthCommit, $"confirmed {acknowledgedEnd} must stay before the fourth transaction's commit {fourthCommit}");

            // More polls acknowledged nowhere: the slot does not move.
            await first.PollAsync(20);
            Assert.Equal(acknowledgedEnd, await db.ConfirmedFlushAsync());
        }

        // A new task with the stored offset: records 36 onwards, the update and the delete (with its tombstone).
        using var second = new TaskRunner(config, offsets);
        var rest = await second.PollAsync(68);
        Assert.Equal(Enumerable.Range(36, 65), rest.Take(65).Select(Id));
        Assert.Equal(["u", "d", null], rest.Skip(65).Select(r => (r.Value as Struct)?.Get("op") as string));
        seen.AddRange(rest.Take(65).Select(Id));
        Assert.Equal(Enumerable.Range(1, 100), seen);

        second.AcknowledgeAndStore(rest);
        await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() >= (ulong)(long)rest[^1].SourceOffset!["lsn_commit"]!,
            TimeSpan.FromSeconds(30), "the slot reaches the last transaction once everything is acknowledged");
    }

    [Fact]
    public async Task A_dropped_replication_connection_is_retried_and_resumes_after_what_the_task_already_emitted()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY)");
        using var task = new TaskRunner(db.Config("srv"));
        task.PollOnce();
        await db.ExecAsync("INSERT INTO t VALUES (1)");
        Assert.Equal([1], (await task.PollAsync(1)).Select(Id));

        // The walsender goes away (a restart, a failover, an operator): the next polls say so, retriably, and reconnect.
        await db.ExecAsync($"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{db.Slot}'");
        await db.ExecAsync("INSERT INTO t VALUES (2)");
        var records = new List<SourceRecord>();
        var retriable = new List<string>();
        await Eventually.AssertAsync(() =>
        {
            try
            {
                records.AddRange(task.Task.Poll() ?? []);
            }
            catch (Api.Errors.RetriableException e)
            {
                retriable.Add(e.Message);
            }

            return records.Count > 0;
        }, TimeSpan.FromMinutes(1), "the task reconnects", TimeSpan.Zero);
        Assert.Equal([2], records.Select(Id));
        Assert.Contains(retriable, m => m.Contains("retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restart_after_part_of_a_changed_key_was_stored_sends_the_whole_change_again()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
        var config = db.Config("srv");
        var offsets = new TaskRunner.MemoryOffsets();
        using (var first = new TaskRunner(config, offsets))
        {
            first.PollOnce();
            await db.ExecAsync("UPDATE t SET id = 2");
            var change = await first.PollAsync(3);
            Assert.Equal(["d", null, "c"], change.Select(r => (r.Value as Struct)?.Get("op") as string));
            // Kafka acknowledged the delete and its tombstone, not the create.
            first.AcknowledgeAndStore(change.Take(2));
        }

        using var second = new TaskRunner(config, offsets);
        var again = await second.PollAsync(3);
        Assert.Equal([("d", 1), (null, 1), ("c", 2)], again.Select(r => ((r.Value as Struct)?.Get("op") as string, Id(r))));
    }

    [Fact]
    public async Task A_transaction_larger_than_a_batch_is_handed_over_in_parts_and_a_restart_in_its_middle_resumes_after_the_stored_part()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY)");
        // A queue of 120 records: the reader holds at most two or three parts of 50 of the 1,000-row transaction.
        var config = db.Config("srv", ("max.batch.size", "50"), ("max.queue.size", "120"));
        var offsets = new TaskRunner.MemoryOffsets();
        ulong commit;
        using (var first = new TaskRunner(config, offsets))
        {
            first.PollOnce();
            await db.ExecAsync("INSERT INTO t SELECT g FROM generate_series(1, 1000) g");
            var polled = await first.PollAsync(350);
            Assert.Equal(Enumerable.Range(1, polled.Count), polled.Select(Id));
            commit = (ulong)(long)polled[0].SourceOffset!["lsn_commit"]!;
            // Every record carries its own LSN: parts end where an LSN ends, so none needed the offset before it.
            Assert.Equal(polled.Count, polled.Select(r => (long)r.SourceOffset!["lsn"]!).Distinct().Count());

            // Kafka acknowledged 300 of them: the transaction is not wholly stored, so the slot must not pass it.
            first.AcknowledgeAndStore(polled.Take(300));
            await first.PollAsync(20);
            Assert.True(await db.ConfirmedFlushAsync() < commit, "the slot was confirmed past a transaction only partly stored");
        }

        using var second = new TaskRunner(config, offsets);
        var rest = await second.PollAsync(700);
        Assert.Equal(Enumerable.Range(301, 700), rest.Select(Id));
        second.AcknowledgeAndStore(rest);
        await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() > commit, TimeSpan.FromSeconds(30),
            "the slot passes the transaction once all of it is stored");
    }

    [Fact]
    public async Task Changed_keys_in_a_transaction_handed_over_in_parts_keep_the_offset_before_their_group_across_part_boundaries()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT g FROM generate_series(1, 40) g");
        using var task = new TaskRunner(db.Config("srv", ("max.batch.size", "10")));
        task.PollOnce();
        // 40 changed keys in one transaction: each a delete, its tombstone and a create at one LSN.
        await db.ExecAsync("UPDATE t SET id = id + 1000");
        var records = await task.PollAsync(120);
        var groups = records.Chunk(3).ToList();
        Assert.Equal(40, groups.Count);
        long before = 0;
        foreach (var group in groups)
        {
            Assert.Equal(["d", null, "c"], group.Select(r => (r.Value as Struct)?.Get("op") as string));
            var own = (long)group[2].SourceOffset!["lsn"]!;
            // A restart finding the delete or its tombstone stored must send the whole group again, in every part.
            Assert.Equal([before, before], group.Take(2).Select(r => (long)r.SourceOffset!["lsn"]!));
            before = own;
        }
    }

    private static int Id(SourceRecord record) => (int)((Struct)record.Key!).Get("id")!;
}
