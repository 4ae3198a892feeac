using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>The file demo end to end on a real broker: FileStreamSource -> topic -> FileStreamSink.</summary>
[Collection("kafka")]
public sealed class FilePipelineTests(KafkaFixture kafka)
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Hundred_thousand_lines_arrive_exactly_once_in_order_per_partition(int partitions)
    {
        const int lines = 100_000;
        var topic = KafkaFixture.UniqueName("file-pipe");
        await kafka.CreateTopicAsync(topic, partitions);
        await using var worker = WorkerHarness.Start(kafka);
        var input = Path.Combine(worker.Dir, "input.txt");
        var output = Path.Combine(worker.Dir, "output.txt");
        var expected = Enumerable.Range(0, lines).Select(i => $"line-{i:D6}-{new string('x', 80)}").ToList();
        await File.WriteAllLinesAsync(input, expected);

        await worker.CreateAsync(("name", topic + "-source"), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));
        await worker.CreateAsync(("name", topic + "-sink"), ("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector"), ("file", output), ("topics", topic));

        await Eventually.AssertAsync(() => File.Exists(output) && CountLines(output) >= lines, TimeSpan.FromMinutes(3), "all lines reach the sink file");
        var written = File.ReadAllLines(output);
        Assert.Equal(lines, written.Length);
        Assert.Equal(expected.ToHashSet(), written.ToHashSet());
        if (partitions == 1)
        {
            Assert.Equal(expected, written);
        }
        else
        {
            // With several partitions only the order within each partition is kept: per partition (as read back
            // from the topic), the sink file must hold that partition's lines in increasing order.
            var consumed = await kafka.ConsumeAllAsync(topic, lines, TimeSpan.FromMinutes(2));
            var partitionOf = consumed.ToDictionary(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!), r => r.Partition.Value);
            Assert.True(partitionOf.Values.Distinct().Count() > 1, "records spread over several partitions");
            var last = new Dictionary<int, string>();
            foreach (var line in written)
            {
                var p = partitionOf[line];
                Assert.True(!last.TryGetValue(p, out var previous) || string.CompareOrdinal(previous, line) < 0, $"partition {p}: {line} after {previous}");
                last[p] = line;
            }
        }
    }

    private static int CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var n = 0;
        while (reader.ReadLine() is not null)
        {
            n++;
        }

        return n;
    }
}
