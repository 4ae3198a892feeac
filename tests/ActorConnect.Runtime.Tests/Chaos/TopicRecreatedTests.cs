using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests.Chaos;

/// <summary>
/// A topic deleted and recreated under a running FileStreamSource → topic → FileStreamSink pipeline: the recreated
/// topic's offsets start again at 0, below where the sink had read. Every record of the new topic must reach the sink
/// file, and the sink's status and log must say that the offsets moved backward (issue 15, defect 1: the sink used to
/// drop every record below the offset it expected, silently).
/// </summary>
[Collection("kafka")]
public sealed class TopicRecreatedTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_topic_deleted_and_recreated_mid_stream_loses_nothing_it_holds_and_the_sink_status_says_its_offsets_moved_backward()
    {
        const int before = 20_000, after = 5_000; // fewer after: the new offsets all lie below the sink's position
        var topic = KafkaFixture.UniqueName("recreated");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        await using var worker = WorkerHarness.Start(kafka);
        var input = Path.Combine(worker.Dir, "input.txt");
        var output = Path.Combine(worker.Dir, "output.txt");
        await File.WriteAllLinesAsync(input, Lines(0, before));

        await worker.CreateAsync(("name", "source"), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));
        await worker.CreateAsync(("name", "sink"), ("connector.class", "FileStreamSink"), ("file", output), ("topics", topic));
        await Eventually.AssertAsync(() => CountLines(output) >= before, TimeSpan.FromMinutes(2), "the first lines reach the sink file");
        // The sink's commit of where it read to: its group starts there again if the deletion makes it rebalance.
        await Eventually.AssertAsync(() => Committed("connect-sink", topic) == before, TimeSpan.FromMinutes(1), $"the sink commits offset {before}");

        await kafka.DeleteTopicAsync(topic);
        await File.AppendAllLinesAsync(input, Lines(before, after));

        // Nothing the source wrote after the deletion is skipped, although all of it sits below the sink's old position.
        var expected = Lines(0, before + after).ToHashSet();
        await Eventually.AssertAsync(() => expected.IsSubsetOf(ReadLines(output)), TimeSpan.FromMinutes(3),
            $"the {after} lines written to the recreated topic reach the sink file");
        Assert.Equal(expected, ReadLines(output).ToHashSet()); // at-least-once: copies allowed, nothing else

        var status = await worker.WaitForAsync("sink", s => s.Tasks.Any(t => t.LastError?.Contains("moved backward") == true), TimeSpan.FromSeconds(30));
        var reason = status.Tasks.Single().LastError!;
        Assert.Equal(ConnectState.Running, status.Tasks.Single().State);
        Assert.Contains($"{topic}-0", reason);
        Assert.Contains("at-least-once", reason);
    }

    private static IEnumerable<string> Lines(int from, int count) => Enumerable.Range(from, count).Select(i => $"line-{i:D6}");

    private long Committed(string group, string topic)
    {
        using var admin = new AdminClientBuilder(kafka.Apply(new AdminClientConfig())).Build();
        var result = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, [new TopicPartition(topic, 0)])])
            .GetAwaiter().GetResult();
        return result.Single().Partitions.Single().Offset.Value;
    }

    private static int CountLines(string path) => ReadLines(path).Count;

    private static List<string> ReadLines(string path)
    {
        var lines = new List<string>();
        if (!File.Exists(path))
        {
            return lines;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
