using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>The queue between the CDC reader and the poll thread holds at most max.queue.size records.</summary>
public sealed class HandOverTests
{
    [Fact]
    public async Task A_part_that_would_overfill_the_queue_waits_until_the_poll_thread_takes_one()
    {
        var queue = new HandOver(10);
        await queue.WriteAsync(Part(6), CancellationToken.None);
        var second = queue.WriteAsync(Part(6), CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted, "12 records were let into a queue of 10");

        Assert.True(queue.TryRead(out var taken));
        Assert.Equal(6, taken.Records.Count);
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(queue.TryRead(out _));
        Assert.False(queue.Any);
    }

    [Fact]
    public async Task A_part_larger_than_the_queue_goes_in_alone_once_the_queue_is_empty()
    {
        var queue = new HandOver(10);
        await queue.WriteAsync(Part(1), CancellationToken.None);
        var large = queue.WriteAsync(Part(25), CancellationToken.None).AsTask();
        Assert.False(large.IsCompleted);
        Assert.True(queue.TryRead(out _));
        await large.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(queue.TryRead(out var taken));
        Assert.Equal(25, taken.Records.Count);
    }

    [Fact]
    public async Task A_large_transaction_reaches_the_poll_thread_in_parts_of_max_batch_size_and_only_its_last_part_is_final()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY)");
        var config = PostgresConnectorConfig.Parse(db.Config("srv", ("max.batch.size", "50"), ("max.queue.size", "120")));
        var connection = ReplicationSetup.Open(config);
        var slot = ReplicationSetup.Prepare(connection, config);
        await using var stream = ChangeStream.Start(config, connection, slot, "test", resumeAfter: null, snapshot: null, incremental: null);
        await db.ExecAsync("INSERT INTO t SELECT g FROM generate_series(1, 1000) g");

        var parts = new List<CommittedTransaction>();
        while (parts.Count == 0 || !parts[^1].Final)
        {
            Assert.True(await stream.Transactions.WaitToReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
            while (stream.Transactions.TryRead(out var part))
            {
                parts.Add(part);
            }
        }

        Assert.Equal(Enumerable.Repeat(50, 20), parts.Select(p => p.Records.Count));
        Assert.Equal(Enumerable.Repeat(false, 19).Append(true), parts.Select(p => p.Final));
        Assert.Single(parts.Select(p => p.CommitLsn).Distinct());
        Assert.Equal(Enumerable.Range(1, 1000), parts.SelectMany(p => p.Records).Select(r => (int)((ActorConnect.Api.Data.Struct)r.Key!).Get("id")!));
    }

    private static CommittedTransaction Part(int records) =>
        new(1, 2, Enumerable.Range(0, records).Select(i => new SourceRecord(null, null, "t", null, null, null, null, i)).ToList());
}
