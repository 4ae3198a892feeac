using ActorConnect.Api.Sink;
using ActorConnect.Connectors.File;

namespace ActorConnect.TestKit.Tests;

/// <summary>The in-memory contexts keep what a task asks of the runtime, and hand back offsets as the runtime's store does.</summary>
public sealed class ContextTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("testkit-tests-").FullName;

    [Fact]
    public void Offsets_committed_from_a_source_tasks_records_are_where_a_new_task_on_the_same_store_resumes()
    {
        var file = Path.Combine(_dir, "in.txt");
        File.WriteAllText(file, "one\ntwo\nthree\n");
        var config = new Dictionary<string, string> { ["name"] = "files", ["file"] = file, ["topic"] = "t", ["batch.size"] = "2" };
        var offsets = new InMemoryOffsetStore();

        var first = Start(config, offsets);
        var polled = PollUntil(first, 2);
        var context = new InMemorySourceTaskContext(config, offsets);
        context.Commit(polled.Take(2));
        first.Stop();

        var second = Start(config, offsets);
        RecordAssert.ValuesEqual(PollUntil(second, 1), "three");
        second.Stop();
        Assert.Equal(8L, offsets.Read("files", new Dictionary<string, object?> { [FileStreamSourceTask.FilenameField] = file })?[FileStreamSourceTask.PositionField]);
    }

    [Fact]
    public void The_offset_store_reads_offsets_back_as_the_runtime_stores_them()
    {
        var offsets = new InMemoryOffsetStore()
            .With("c", new Dictionary<string, object?> { ["a"] = 1, ["b"] = "x" }, new Dictionary<string, object?> { ["n"] = 7 });
        var reader = new InMemorySourceTaskContext(new Dictionary<string, string> { ["name"] = "c" }, offsets).OffsetStorageReader;

        // The same partition with its fields in another order, and an int read back as the long JSON makes of it.
        var offset = reader.Offset(new Dictionary<string, object?> { ["b"] = "x", ["a"] = 1L });
        Assert.Equal(7L, Assert.IsType<long>(offset?["n"]));
        Assert.Null(new InMemorySourceTaskContext(new Dictionary<string, string> { ["name"] = "other" }, offsets).OffsetStorageReader
            .Offset(new Dictionary<string, object?> { ["a"] = 1, ["b"] = "x" }));
    }

    [Fact]
    public void The_sink_context_keeps_pauses_until_resumed_or_revoked_and_counts_commit_requests_and_rewinds()
    {
        var context = new InMemorySinkTaskContext(new Dictionary<string, string> { ["topics"] = "t" });
        TopicPartition p0 = new("t", 0), p1 = new("t", 1);
        context.Assign(p0, p1);

        context.Pause(p0, p1);
        context.Resume(p1);
        Assert.Equal([p0], context.Paused);
        context.Revoke(p0);
        Assert.Empty(context.Paused);
        Assert.Equal([p1], context.Assignment);

        context.RequestCommit();
        context.RequestCommit();
        context.Offset(p1, 5);
        context.Offset(new Dictionary<TopicPartition, long> { [p1] = 3 });
        context.Timeout(250);
        Assert.Equal(2, context.CommitRequests);
        Assert.Equal(3, context.Rewinds[p1]);
        Assert.Equal(250, context.TimeoutMs);
        Assert.Null(context.ErrantRecordReporter);
    }

    [Fact]
    public void A_file_sink_task_put_records_through_the_sink_context_writes_them_and_reports_no_errant_record()
    {
        var output = Path.Combine(_dir, "out.txt");
        var config = new Dictionary<string, string> { ["file"] = output, ["topics"] = "t" };
        var context = new InMemorySinkTaskContext(config, reportErrantRecords: true);
        var task = new FileStreamSinkTask();
        task.Initialize(context);
        task.Start(config);
        context.Assign(new TopicPartition("t", 0));
        task.Open(context.Assignment);

        task.Put(TestRecords.ForSink("t", "a", "b"));
        task.Flush(new Dictionary<TopicPartition, long> { [new("t", 0)] = 2 });
        task.Stop();

        Assert.Equal("a\nb\n", File.ReadAllText(output));
        Assert.Empty(context.ErrantRecords!.Reported);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static FileStreamSourceTask Start(Dictionary<string, string> config, InMemoryOffsetStore offsets)
    {
        var task = new FileStreamSourceTask();
        task.Initialize(new InMemorySourceTaskContext(config, offsets));
        task.Start(config);
        return task;
    }

    // The file source polls what is there and then waits for more; a handful of polls reads a small file.
    private static List<Api.Source.SourceRecord> PollUntil(FileStreamSourceTask task, int count)
    {
        var records = new List<Api.Source.SourceRecord>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            records.AddRange(task.Poll() ?? []);
        }

        return records;
    }
}
