using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>The host process killed with SIGKILL halfway and restarted with the same files loses no line.</summary>
[Collection("kafka")]
public sealed class CrashRecoveryTests(KafkaFixture kafka, ITestOutputHelper output)
{
    [Fact]
    public async Task Killed_with_SIGKILL_halfway_and_restarted_no_line_is_missing()
    {
        const int lines = 100_000;
        var dir = RepoPaths.NewTempDirectory("crash");
        var topic = KafkaFixture.UniqueName("crash");
        await kafka.CreateTopicAsync(topic, 1);
        var input = Path.Combine(dir, "input.txt");
        var sinkFile = Path.Combine(dir, "sink.txt");
        var expected = Enumerable.Range(0, lines).Select(i => $"line-{i:D6}-{new string('y', 80)}").ToArray();
        // The first half is there at start; the second half is appended while the worker tails the file, so the kill
        // lands in the middle of a stream, after offsets have been stored and committed at least once.
        await File.WriteAllLinesAsync(input, expected.Take(lines / 2));
        var worker = HostProcess.WriteWorker(dir, kafka, flushMs: "200");
        var source = HostProcess.WriteConnector(dir, "source.properties", ("name", topic + "-source"), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));
        var sink = HostProcess.WriteConnector(dir, "sink.properties", ("name", topic + "-sink"), ("connector.class", "FileStreamSink"), ("file", sinkFile), ("topics", topic));

        var appended = lines / 2;
        await using (var first = HostProcess.Standalone(dir, worker, source, sink))
        {
            await Eventually.AssertAsync(() => HostProcess.ReadLinesShared(sinkFile).Length >= lines / 2 && File.Exists(Path.Combine(dir, "connect.offsets")),
                TimeSpan.FromMinutes(2), "the first half reaches the sink and offsets are stored");
            // The second half is appended in chunks, each once the sink has nearly caught up, so the kill is sure to
            // land mid-stream however fast the pipeline is; the rest is appended while no worker runs.
            while (HostProcess.ReadLinesShared(sinkFile).Length < lines * 6 / 10)
            {
                await File.AppendAllLinesAsync(input, expected.Skip(appended).Take(2_000));
                appended += 2_000;
                var target = appended - 3_000;
                await Eventually.AssertAsync(() => HostProcess.ReadLinesShared(sinkFile).Length >= target, TimeSpan.FromMinutes(2), "the sink keeps up with the appended lines");
            }

            first.KillHard();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"killed at {HostProcess.ReadLinesShared(sinkFile).Length} sink lines");
        }

        // What may be re-sent is bounded by what was not yet recorded as done when the process died: source records
        // in the topic beyond the stored file position, plus sink lines beyond the committed consumer offset.
        var lineBytes = expected[0].Length + 1;
        var storedPosition = StoredSourcePosition(Path.Combine(dir, "connect.offsets"));
        var (inTopic, committed) = TopicEndAndCommitted(topic, $"connect-{topic}-sink");
        var sinkLinesAtKill = HostProcess.ReadLinesShared(sinkFile).Length;
        var bound = (inTopic - storedPosition / lineBytes) + (sinkLinesAtKill - committed);
        output.WriteLine($"at the kill: {inTopic} records in the topic, source offset stored up to line {storedPosition / lineBytes}, sink committed {committed} of {sinkLinesAtKill} lines written; duplicate bound {bound}");

        await File.AppendAllLinesAsync(input, expected.Skip(appended));
        await using (var second = HostProcess.Standalone(dir, worker, source, sink))
        {
            await Eventually.AssertAsync(
                () => HostProcess.ReadLinesShared(sinkFile).Distinct().Count() >= lines,
                TimeSpan.FromMinutes(3), "every line reaches the sink after the restart");
            Assert.Equal(0, await second.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        var written = HostProcess.ReadLinesShared(sinkFile);
        var missing = expected.Except(written).ToList();
        Assert.Empty(missing);
        var duplicates = written.Length - written.Distinct().Count();
        output.WriteLine($"duplicates after SIGKILL: {duplicates} of {lines} lines");
        Console.WriteLine($"[crash-recovery] duplicates after SIGKILL: {duplicates} of {lines} lines (bound {bound})");
        Assert.InRange(duplicates, 0, bound);
        var known = expected.ToHashSet();
        Assert.All(written, l => Assert.True(known.Contains(l), $"unexpected (torn?) line: {l}"));
    }

    [Fact]
    public async Task Stopped_with_SIGTERM_mid_stream_and_restarted_every_line_arrives_exactly_once()
    {
        const int lines = 100_000;
        var dir = RepoPaths.NewTempDirectory("graceful");
        var topic = KafkaFixture.UniqueName("graceful");
        await kafka.CreateTopicAsync(topic, 1);
        var input = Path.Combine(dir, "input.txt");
        var sinkFile = Path.Combine(dir, "sink.txt");
        var expected = Enumerable.Range(0, lines).Select(i => $"line-{i:D6}-{new string('z', 80)}").ToArray();
        await File.WriteAllLinesAsync(input, expected.Take(lines / 2));
        var worker = HostProcess.WriteWorker(dir, kafka, flushMs: "60000");
        var source = HostProcess.WriteConnector(dir, "source.properties", ("name", topic + "-source"), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));
        var sink = HostProcess.WriteConnector(dir, "sink.properties", ("name", topic + "-sink"), ("connector.class", "FileStreamSink"), ("file", sinkFile), ("topics", topic));

        await using (var first = HostProcess.Standalone(dir, worker, source, sink))
        {
            // The flush interval is a minute: only the stop itself stores source offsets and commits the sink's.
            await Eventually.AssertAsync(() => HostProcess.ReadLinesShared(sinkFile).Length >= lines / 4, TimeSpan.FromMinutes(2), "lines are flowing");
            await File.AppendAllLinesAsync(input, expected.Skip(lines / 2));
            Assert.Equal(0, await first.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
            output.WriteLine($"stopped at {HostProcess.ReadLinesShared(sinkFile).Length} sink lines");
        }

        await using (var second = HostProcess.Standalone(dir, worker, source, sink))
        {
            await Eventually.AssertAsync(() => HostProcess.ReadLinesShared(sinkFile).Length >= lines, TimeSpan.FromMinutes(3), "every line reaches the sink after the restart");
            Assert.Equal(0, await second.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        var written = HostProcess.ReadLinesShared(sinkFile);
        Assert.Equal(expected, written); // one partition: every line once, in order
    }

    private static long StoredSourcePosition(string offsetsFile)
    {
        if (!File.Exists(offsetsFile))
        {
            return 0;
        }

        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(offsetsFile))!.AsArray();
        return root.Select(e => e!["value"]?["position"]?.GetValue<long>() ?? 0).DefaultIfEmpty(0).Max();
    }

    private (long InTopic, long Committed) TopicEndAndCommitted(string topic, string group)
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(kafka.Apply(new Confluent.Kafka.ConsumerConfig { GroupId = group, EnableAutoCommit = false })).Build();
        var tp = new Confluent.Kafka.TopicPartition(topic, 0);
        var end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        var committed = consumer.Committed(new[] { tp }, TimeSpan.FromSeconds(10)).Single().Offset;
        return (end, committed.Value < 0 ? 0 : committed.Value);
    }
}
