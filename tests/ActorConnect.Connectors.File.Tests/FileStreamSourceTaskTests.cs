using System.Diagnostics;
using System.Text;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using Xunit.Abstractions;
using static ActorConnect.Connectors.File.Tests.Polling;

namespace ActorConnect.Connectors.File.Tests;

public sealed class FileStreamSourceTaskTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_every_line_with_Kafka_shaped_partition_and_byte_offsets()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "a\nbb\r\nccc\n\né\n");
        var task = StartSource(file);

        var records = PollRecords(task, 5);

        Assert.Equal(new object?[] { "a", "bb", "ccc", "", "é" }, records.Select(r => r.Value));
        Assert.Equal(new long[] { 2, 6, 10, 11, 14 }, records.Select(Position));
        Assert.All(records, r =>
        {
            Assert.Equal("lines", r.Topic);
            Assert.Null(r.Key);
            Assert.Null(r.KeySchema);
            Assert.Null(r.KafkaPartition);
            Assert.Same(Schema.StringSchema, r.ValueSchema);
            Assert.NotNull(r.Timestamp);
            Assert.Equal(new Dictionary<string, object?> { ["filename"] = file }, r.SourcePartition);
            Assert.Equal(new[] { "position" }, r.SourceOffset!.Keys);
        });
        task.Stop();
    }

    [Fact]
    public void Returns_at_most_batch_size_lines_per_poll()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, string.Concat(Enumerable.Range(0, 10).Select(i => $"l{i}\n")));
        var task = StartSource(file, batchSize: 3);

        var sizes = new List<int>();
        var values = new List<object?>();
        while (values.Count < 10)
        {
            var batch = task.Poll();
            Assert.NotNull(batch);
            sizes.Add(batch.Count);
            values.AddRange(batch.Select(r => r.Value));
        }

        Assert.Equal(new[] { 3, 3, 3, 1 }, sizes);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (object?)$"l{i}"), values);
        task.Stop();
    }

    [Theory]
    [InlineData("long")]
    [InlineData("int")]
    [InlineData("double")]
    [InlineData("string")]
    public void Resumes_from_the_stored_offset(string type)
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "first\nsecond\nthird\nfourth\n");
        object position = type switch
        {
            "long" => 13L,
            "int" => 13,
            "double" => 13.0,
            _ => "13",
        };
        var task = StartSource(file, StoredOffsets.At(file, position));

        var records = PollRecords(task, 2);

        Assert.Equal(new object?[] { "third", "fourth" }, records.Select(r => r.Value));
        Assert.Equal(new long[] { 19, 26 }, records.Select(Position));
        Assert.Null(task.LastWarning);
        task.Stop();
    }

    [Fact]
    public void A_stored_offset_of_the_wrong_type_fails_start()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "x\n");
        var e = Assert.Throws<ConnectException>(() => StartSource(file, StoredOffsets.At(file, "abc")));
        Assert.Contains("Offset position is the incorrect type", e.Message);
    }

    [Fact]
    public void A_stored_offset_beyond_the_end_of_the_file_restarts_at_zero_with_a_warning()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "new\n");
        var task = StartSource(file, StoredOffsets.At(file, 1000L));

        var records = PollRecords(task, 1);

        Assert.Equal("new", records[0].Value);
        Assert.Equal(4L, Position(records[0]));
        Assert.Contains("shorter", task.LastWarning);
        task.Stop();
    }

    [Fact]
    public void A_partial_last_line_is_held_until_completed()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "one\ntw");
        var task = StartSource(file);
        task.IdleWaitMs = 100;

        var first = PollRecords(task, 1);
        Assert.Equal("one", first.Single().Value);
        Assert.Null(task.Poll()); // "tw" has no '\n' yet

        Append(file, "o\r\nthr");
        var second = PollRecords(task, 1);
        Assert.Equal("two", second.Single().Value);
        Assert.Equal(9L, Position(second[0]));
        Assert.Null(task.Poll());

        Append(file, "ee\n");
        Assert.Equal("three", PollRecords(task, 1).Single().Value);
        task.Stop();
    }

    [Fact]
    public void Lines_appended_after_the_end_are_picked_up()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "1\n2\n");
        var task = StartSource(file);
        Assert.Equal(2, PollRecords(task, 2).Count);

        Append(file, "3\n4\n");
        var more = PollRecords(task, 2);

        Assert.Equal(new object?[] { "3", "4" }, more.Select(r => r.Value));
        Assert.Equal(new long[] { 6, 8 }, more.Select(Position));
        task.Stop();
    }

    [Fact]
    public void Truncation_is_detected_and_reading_restarts_at_zero_with_a_warning()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "a long first line\nanother long line\n");
        var task = StartSource(file);
        Assert.Equal(2, PollRecords(task, 2).Count);
        Assert.Null(task.LastWarning);

        using (var fs = new FileStream(file, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
            fs.Write("new\n"u8);
        }

        var after = PollRecords(task, 1);

        Assert.Equal("new", after[0].Value);
        Assert.Equal(4L, Position(after[0]));
        Assert.Contains("truncated", task.LastWarning);
        Assert.Contains(file, task.LastWarning);
        task.Stop();
    }

    [Fact]
    public void Rotation_finishes_the_old_file_then_reads_the_new_one_from_zero()
    {
        var file = _dir.File("app.log");
        System.IO.File.WriteAllText(file, "old 1\nold 2\n");
        var task = StartSource(file);
        Assert.Equal(2, PollRecords(task, 2).Count);

        Append(file, "old 3\n");
        System.IO.File.Move(file, file + ".1");
        System.IO.File.WriteAllText(file, "new 1\nnew 2 is a longer line than any old one\n");

        var records = PollRecords(task, 3);

        Assert.Equal(new object?[] { "old 3", "new 1", "new 2 is a longer line than any old one" }, records.Select(r => r.Value));
        Assert.Equal(new long[] { 18, 6, 46 }, records.Select(Position));
        Assert.NotNull(task.LastWarning);
        Assert.Contains("from position 0", task.LastWarning);
        Assert.Contains(OperatingSystem.IsLinux() ? "rotated" : "replaced", task.LastWarning);
        task.Stop();
    }

    [Fact]
    public void A_deleted_file_is_noted_and_its_re_creation_read_from_zero()
    {
        var file = _dir.File("app.log");
        System.IO.File.WriteAllText(file, "before\n");
        var task = StartSource(file);
        Assert.Single(PollRecords(task, 1));

        System.IO.File.Delete(file);
        PollUntil(task, _ => task.LastWarning is not null);
        Assert.Contains("deleted or moved away", task.LastWarning);

        System.IO.File.WriteAllText(file, "after\n");
        var r = PollRecords(task, 1).Single();

        Assert.Equal("after", r.Value);
        Assert.Equal(6L, Position(r));
        Assert.Contains("from position 0", task.LastWarning);
        task.Stop();
    }

    [Fact]
    public void A_stored_offset_that_is_not_at_a_line_start_restarts_at_zero_with_a_warning()
    {
        var file = _dir.File("in.txt");
        System.IO.File.WriteAllText(file, "rewritten\nfile\n");
        var task = StartSource(file, StoredOffsets.At(file, 4L));

        var records = PollRecords(task, 2);

        Assert.Equal(new object?[] { "rewritten", "file" }, records.Select(r => r.Value));
        Assert.Contains("not at the start of a line", task.LastWarning);
        task.Stop();
    }

    [Fact]
    public void A_directory_instead_of_a_file_fails_the_task_with_a_clear_message()
    {
        var task = StartSource(_dir.Path);

        var e = Assert.ThrowsAny<ConnectException>(() => task.Poll());

        Assert.IsNotType<RetriableException>(e);
        Assert.Contains($"Cannot read file {_dir.Path}: it is a directory, not a file", e.Message);
        Assert.DoesNotContain("denied", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("'file' setting of connector my-file-source", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_retriable_error_naming_the_setting_until_it_is_created()
    {
        var file = _dir.File("later.txt");
        var task = StartSource(file);

        var e = Assert.Throws<RetriableException>(() => task.Poll());
        Assert.Equal($"File {file} does not exist yet; waiting for it to be created (check the 'file' setting of connector my-file-source)", e.Message);
        Assert.Equal(e.Message, task.LastWarning);
        Assert.Throws<RetriableException>(() => task.Poll());

        System.IO.File.WriteAllText(file, "hello\nworld\n");
        var records = PollRecords(task, 2);

        Assert.Equal(new object?[] { "hello", "world" }, records.Select(r => r.Value));
        task.Stop();
    }

    /// <summary>A Poll on another thread, returned once that thread is about to call it (it then waits for new lines).</summary>
    private static Task<IReadOnlyList<ActorConnect.Api.Source.SourceRecord>?> PollInBackground(FileStreamSourceTask task)
    {
        using var polling = new ManualResetEventSlim();
        var poll = Task.Run(() =>
        {
            polling.Set();
            return task.Poll();
        });
        Assert.True(polling.Wait(Generous));
        return poll;
    }

    [Fact]
    public async Task Stop_unblocks_a_waiting_poll()
    {
        var file = _dir.File("idle.txt");
        System.IO.File.WriteAllText(file, "only\n");
        var task = StartSource(file);
        task.IdleWaitMs = (int)TimeSpan.FromMinutes(10).TotalMilliseconds;
        Assert.Single(task.Poll()!);

        var poll = PollInBackground(task);
        task.Stop();

        var result = await poll.WaitAsync(Generous); // a TimeoutException here means Stop did not wake Poll
        Assert.Null(result);
        Assert.Null(task.Poll());
    }

    [Fact]
    public async Task A_line_appended_to_an_idle_file_wakes_a_waiting_poll_before_the_next_periodic_check()
    {
        var file = _dir.File("watched.txt");
        System.IO.File.WriteAllText(file, "first\n");
        var task = StartSource(file);
        // The idle wait cannot end within the test: only the notification can end it.
        task.IdleWaitMs = (int)TimeSpan.FromMinutes(10).TotalMilliseconds;
        Assert.Equal("first", task.Poll()!.Single().Value);

        var poll = PollInBackground(task);
        Append(file, "second\n");

        var result = await poll.WaitAsync(Generous); // a TimeoutException here means the change did not wake Poll
        Assert.Equal("second", result!.Single().Value);
        Assert.Null(task.LastWarning);
        task.Stop();
    }

    [Fact]
    public void A_file_that_cannot_be_watched_is_refused_with_the_reason_so_the_task_falls_back_to_checking()
    {
        using var signal = FileChangeSignal.TryCreate(Path.Combine(_dir.File("no-such-dir"), "in.txt"), out var error);

        Assert.Null(signal);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_million_lines_are_read_completely_and_in_order()
    {
        const int count = 1_000_000;
        var file = _dir.File("big.txt");
        var padding = new string('x', 88);
        using (var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20))
        {
            for (var i = 0; i < count; i++)
            {
                writer.Write(i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write(padding);
                writer.Write('\n');
            }
        }

        var length = new FileInfo(file).Length;
        var task = StartSource(file);
        var sw = Stopwatch.StartNew();
        var next = 0;
        long lastPosition = 0;
        while (next < count)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(5), $"Timed out after {next} lines");
            var batch = task.Poll();
            if (batch is null)
            {
                continue;
            }

            foreach (var r in batch)
            {
                var value = (string)r.Value!;
                Assert.Equal(96, value.Length);
                Assert.True(int.Parse(value.AsSpan(0, 7), System.Globalization.CultureInfo.InvariantCulture) == next, $"line {next} was {value}");
                lastPosition = Position(r);
                next++;
            }
        }

        sw.Stop();
        Assert.Equal(length, lastPosition);
        output.WriteLine($"{count:N0} lines ({length / 1e6:F0} MB) in {sw.Elapsed.TotalSeconds:F2} s = {count / sw.Elapsed.TotalSeconds:N0} lines/s");
        task.Stop();
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_dropped_but_counted()
    {
        var file = _dir.File("bom.txt");
        System.IO.File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i', (byte)'\n']);
        var task = StartSource(file);

        var r = PollRecords(task, 1).Single();

        Assert.Equal("hi", r.Value);
        Assert.Equal(6L, Position(r));
        task.Stop();
    }

    [Fact]
    public void Reads_standard_input_when_no_file_is_set()
    {
        var stdin = new MemoryStream(Encoding.UTF8.GetBytes("x\r\ny\nlast without newline"));
        var task = StartSource(null, stdin: stdin);

        var records = PollRecords(task, 3);

        Assert.Equal(new object?[] { "x", "y", "last without newline" }, records.Select(r => r.Value));
        Assert.All(records, r =>
        {
            Assert.Null(r.SourcePartition);
            Assert.Null(r.SourceOffset);
        });
        task.IdleWaitMs = 10;
        Assert.Null(task.Poll());
        task.Stop();
    }
}
