using System.Text;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>Bad input gets a clear error naming the problem and the fix, and leaves the rest running.</summary>
[Collection("kafka")]
public sealed class BadInputTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_broker_that_is_unreachable_at_start_is_retried_and_the_status_says_why()
    {
        await using var worker = WorkerHarness.Start("127.0.0.1:1");
        var name = KafkaFixture.UniqueName("nobroker");
        await worker.CreateAsync(("name", name), ("connector.class", nameof(SequenceSourceConnector)), ("topic", name));

        var status = await worker.WaitForAsync(name, s => s.Tasks.Count == 1 && s.Tasks[0].LastError is { } e && e.Contains("127.0.0.1:1"));
        Assert.Equal(ConnectState.Running, status.Tasks[0].State);
        Assert.Contains("Waiting for Kafka", status.Tasks[0].LastError);
    }

    [Fact]
    public async Task A_record_the_converter_cannot_read_fails_the_task_naming_the_record_and_the_fix_while_others_run()
    {
        var topic = KafkaFixture.UniqueName("badjson");
        var good = KafkaFixture.UniqueName("goodsink");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.CreateTopicAsync(good, 1);
        await kafka.ProduceAsync(topic, new[] { ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes("plain text, not JSON")) });
        await kafka.ProduceAsync(good, new[] { ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes("hello")) });
        await using var worker = WorkerHarness.Start(kafka);

        await worker.CreateAsync(("name", good), ("connector.class", nameof(RecordingSinkConnector)), ("topics", good));
        await worker.CreateAsync(("name", topic), ("connector.class", nameof(RecordingSinkConnector)), ("topics", topic),
            ("value.converter", "org.apache.kafka.connect.json.JsonConverter"), ("value.converter.schemas.enable", "true"));

        var status = await worker.WaitForAsync(topic, s => s.Tasks.Count == 1 && s.Tasks[0].Trace is not null);
        var trace = status.Tasks[0].Trace!;
        Assert.Contains($"topic '{topic}' partition 0 offset 0", trace);
        Assert.Contains("converter", trace);

        await Eventually.AssertAsync(() => TestRegistry.ReceivedBy(good).Contains("hello"), TimeSpan.FromSeconds(60), "the other connector keeps working");
    }

    [Fact]
    public async Task A_missing_then_truncated_source_file_shows_in_the_status_and_lines_still_flow()
    {
        var topic = KafkaFixture.UniqueName("tail");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = WorkerHarness.Start(kafka);
        var input = Path.Combine(worker.Dir, "later.txt");
        await worker.CreateAsync(("name", topic), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));

        var waiting = await worker.WaitForAsync(topic, s => s.Tasks.Count == 1 && s.Tasks[0].LastError is { } e && e.Contains("does not exist yet"));
        Assert.Equal(ConnectState.Running, waiting.Tasks[0].State);
        Assert.Contains(input, waiting.Tasks[0].LastError);

        await File.WriteAllTextAsync(input, "one\ntwo\nthree\n");
        await Eventually.AssertAsync(async () => (await kafka.ConsumeAllAsync(topic, 3, TimeSpan.FromSeconds(5))).Count == 3, TimeSpan.FromSeconds(60), "lines flow once the file exists");

        await File.WriteAllTextAsync(input, "new\n"); // shorter than what was read: truncated
        var truncated = await worker.WaitForAsync(topic, s => s.Tasks[0].LastError is { } e && e.Contains("trunc", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(ConnectState.Running, truncated.Tasks[0].State);
        await Eventually.AssertAsync(async () => (await kafka.ConsumeAllAsync(topic, 4, TimeSpan.FromSeconds(5))).Count == 4, TimeSpan.FromSeconds(60), "reading restarts at the top of the truncated file");
    }

    [Fact]
    public async Task Sink_topics_must_be_given_once()
    {
        await using var worker = WorkerHarness.Start(kafka);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => worker.CreateAsync(("name", "s"), ("connector.class", "FileStreamSink"), ("file", "/tmp/x")));
        Assert.Contains("Must configure one of topics or topics.regex", e.Message);
    }
}
