using System.Text;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;

namespace ActorConnect.Connectors.File.Tests;

public sealed class FileStreamSinkTaskTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FileStreamSinkTask StartSink(string? file, Stream? stdout = null)
    {
        var props = new Dictionary<string, string> { ["topics"] = "t" };
        if (file is not null)
        {
            props["file"] = file;
        }

        var task = stdout is null ? new FileStreamSinkTask() : new FileStreamSinkTask(stdout);
        task.Start(props);
        return task;
    }

    private static SinkRecord Rec(object? value, long offset = 0) => new("t", 0, null, null, Schema.OptionalStringSchema, value, offset);

    private static string ReadShared(string file)
    {
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(fs, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Fact]
    public void Writes_values_as_lines_in_order_at_the_end_of_each_batch()
    {
        var file = _dir.File("out.txt");
        var task = StartSink(file);

        task.Put([Rec("first"), Rec(Encoding.UTF8.GetBytes("bytes é")), Rec(null), Rec(42), Rec(1.5), Rec(true)]);
        Assert.Equal("first\nbytes é\nnull\n42\n1.5\ntrue\n", ReadShared(file)); // written once the batch is put

        var offsets = new Dictionary<TopicPartition, long> { [new TopicPartition("t", 0)] = 6 };
        Assert.Equal(offsets, task.PreCommit(offsets));
        Assert.Equal("first\nbytes é\nnull\n42\n1.5\ntrue\n", ReadShared(file));

        task.Put([Rec("after")]);
        task.Flush(offsets);
        Assert.Equal("first\nbytes é\nnull\n42\n1.5\ntrue\nafter\n", ReadShared(file));
        task.Stop();
    }

    [Fact]
    public void A_torn_last_line_left_by_a_killed_worker_is_cut_before_appending()
    {
        var file = _dir.File("out.txt");
        System.IO.File.WriteAllText(file, "whole-1\nwhole-2\nwho");
        var task = StartSink(file);

        task.Put([Rec("whole-3")]);
        task.Flush(new Dictionary<TopicPartition, long>());
        task.Stop();

        Assert.Equal("whole-1\nwhole-2\nwhole-3\n", ReadShared(file));
    }

    [Fact]
    public void Appends_to_an_existing_file_and_stop_writes_the_rest_and_closes()
    {
        var file = _dir.File("out.txt");
        System.IO.File.WriteAllText(file, "existing\n");
        var task = StartSink(file);

        task.Put([Rec("a"), Rec("b")]);
        task.Stop();

        Assert.Equal("existing\na\nb\n", System.IO.File.ReadAllText(file));
        using var exclusive = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None); // closed by Stop
    }

    [Fact]
    public void Large_batches_are_written_in_order()
    {
        var file = _dir.File("big.txt");
        var task = StartSink(file);
        var values = Enumerable.Range(0, 100_000).Select(i => $"value {i}").ToList();

        foreach (var chunk in values.Chunk(1000))
        {
            task.Put(chunk.Select(v => Rec(v)).ToList());
        }

        task.Flush(new Dictionary<TopicPartition, long>());
        Assert.Equal(values, ReadShared(file).Split('\n')[..^1]);
        task.Stop();
    }

    [Fact]
    public void Several_tasks_append_to_the_same_file_without_losing_lines()
    {
        var file = _dir.File("shared.txt");
        var a = StartSink(file);
        var b = StartSink(file);

        for (var i = 0; i < 100; i++)
        {
            a.Put([Rec($"a{i}")]);
            a.Flush(new Dictionary<TopicPartition, long>());
            b.Put([Rec($"b{i}")]);
            b.Flush(new Dictionary<TopicPartition, long>());
        }

        a.Stop();
        b.Stop();
        var lines = System.IO.File.ReadAllLines(file);
        Assert.Equal(200, lines.Length);
        Assert.Equal(Enumerable.Range(0, 100).SelectMany(i => new[] { $"a{i}", $"b{i}" }), lines);
    }

    [Fact]
    public void Writes_to_standard_output_when_no_file_is_set()
    {
        var stdout = new MemoryStream();
        var task = StartSink(null, stdout);

        task.Put([Rec("x"), Rec("y")]);
        task.Flush(new Dictionary<TopicPartition, long>());

        Assert.Equal("x\ny\n", Encoding.UTF8.GetString(stdout.ToArray()));
        task.Stop();
    }

    [Fact]
    public void A_file_in_a_missing_directory_fails_start_with_a_clear_message()
    {
        var file = Path.Combine(_dir.Path, "no-such-dir", "out.txt");
        var e = Assert.Throws<ConnectException>(() => StartSink(file));
        Assert.Contains($"Couldn't find or create file '{file}'", e.Message);
    }

    [Fact]
    public void A_directory_instead_of_a_file_fails_start_saying_it_is_a_directory()
    {
        var directory = _dir.File("out.txt");
        Directory.CreateDirectory(directory);

        var e = Assert.Throws<ConnectException>(() => StartSink(directory));

        Assert.Contains($"Cannot write to file {directory} for FileStreamSinkTask: it is a directory, not a file", e.Message);
        Assert.DoesNotContain("denied", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_full_disk_fails_put_naming_the_file_and_every_later_flush_so_nothing_is_committed()
    {
        // Every write to /dev/full fails with ENOSPC, as on a full disk.
        var task = StartSink("/dev/full");

        var e = Assert.Throws<ConnectException>(() => task.Put([Rec("a", 0), Rec("b", 1)]));

        Assert.StartsWith("Could not write to file /dev/full: the disk is full (No space left on device", e.Message);
        Assert.Contains("restart?includeTasks=true", e.Message);
        var offsets = new Dictionary<TopicPartition, long> { [new TopicPartition("t", 0)] = 2 };
        var later = Assert.Throws<ConnectException>(() => task.PreCommit(offsets));
        Assert.Contains("the disk is full", later.Message);
        task.Stop();
    }

    [Fact]
    public void A_failed_fsync_fails_every_later_flush_even_one_the_system_would_report_done()
    {
        // Linux may clear a writeback error once fsync reported it, so the next fsync "succeeds" without the data.
        var output = new FailingFlushStream(failures: 1);
        var task = StartSink(null, output);
        var offsets = new Dictionary<TopicPartition, long> { [new TopicPartition("t", 0)] = 1 };
        task.Put([Rec("a", 0)]);

        var first = Assert.Throws<ConnectException>(() => task.PreCommit(offsets));
        var second = Assert.Throws<ConnectException>(() => task.PreCommit(offsets));

        Assert.Contains("Could not flush standard output to disk (fsync): the disk is full", first.Message);
        Assert.Contains(first.Message, second.Message);
        Assert.Equal(1, output.Flushes);
        Assert.Throws<ConnectException>(() => task.Put([Rec("b", 1)]));
        task.Stop();
    }

    [Fact]
    public void Formats_values_like_Kafka_prints_them()
    {
        Assert.Equal("null", ValueText.Format(null));
        Assert.Equal("{a=1, b=[x, y]}", ValueText.Format(new Dictionary<string, object> { ["a"] = 1, ["b"] = new List<string> { "x", "y" } }));
        Assert.Equal("2.5", ValueText.Format(2.5));
        Assert.Equal("false", ValueText.Format(false));
    }

    /// <summary>Standard output whose first flushes fail as an fsync on a full disk does, and whose later ones succeed.</summary>
    private sealed class FailingFlushStream(int failures) : MemoryStream
    {
        private int _failures = failures;

        public int Flushes { get; private set; }

        public override void Flush()
        {
            Flushes++;
            if (_failures-- > 0)
            {
                throw new IOException("No space left on device", 28);
            }
        }
    }
}
