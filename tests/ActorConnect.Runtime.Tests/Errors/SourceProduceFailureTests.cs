using System.Text;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// A source record Kafka refuses (larger than <c>message.max.bytes</c>): with <c>errors.tolerance=all</c> it is
/// skipped (KAFKA_PRODUCE, as Kafka Connect since KIP-779), reported, and its offset stored with the others; with
/// <c>none</c> the task fails and stores nothing past the record before it.
/// </summary>
[Collection("kafka")]
public sealed class SourceProduceFailureTests(KafkaFixture kafka)
{
    private const int Records = 500;
    private const int Big = 321;

    [Fact]
    public async Task With_tolerance_all_a_record_Kafka_refuses_is_skipped_and_reported_and_the_offsets_pass_it()
    {
        var topic = KafkaFixture.UniqueName("produce-all");
        await using var worker = WorkerHarness.Start(kafka);
        var errorLog = ErrorLogProbe.Attach(worker.Worker.System);
        await worker.CreateAsync(Config(topic, ("errors.tolerance", "all"), ("errors.log.enable", "true")));

        await Eventually.AssertAsync(() => StoredOffsets.Seq(worker, topic) == Records - 1, TimeSpan.FromMinutes(1), "the offsets pass the refused record");
        Assert.Equal(Records - 1, await kafka.HighWatermarkAsync(topic));
        var written = await kafka.ConsumeAllAsync(topic, Records - 1, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain($"0:{Big}", written.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));
        Assert.Contains(errorLog, l => l.StartsWith($"Error encountered in task {topic}-0 while performing KAFKA_PRODUCE operation", StringComparison.Ordinal) &&
                                       l.Contains("{\"seq\":" + Big + "}", StringComparison.Ordinal));
        var status = await worker.Worker.StatusAsync(topic);
        Assert.True(status.Tasks is [{ State: ConnectState.Running, RestartCount: 0 }], WorkerHarness.Describe(status));
    }

    [Fact]
    public async Task With_tolerance_none_a_record_Kafka_refuses_fails_the_task_and_no_offset_past_it_is_stored()
    {
        var topic = KafkaFixture.UniqueName("produce-none");
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(Config(topic));

        var status = await worker.WaitForAsync(topic, s => s.Tasks is [{ State: ConnectState.Failed }], TimeSpan.FromMinutes(3));
        Assert.Contains($"Kafka did not accept a record of task {topic}-0", status.Tasks[0].Trace);
        Assert.True(StoredOffsets.Seq(worker, topic) is null or < Big, $"stored {StoredOffsets.Seq(worker, topic)}");
    }

    private static (string, string)[] Config(string topic, params (string, string)[] extra) =>
    [
        ("name", topic),
        ("connector.class", nameof(SequenceSourceConnector)),
        ("topic", topic),
        ("records", Records.ToString()),
        ("transforms", "pad"),
        ("transforms.pad.type", nameof(PadValueTransformation)),
        ("transforms.pad.value", $"0:{Big}"),
        ("transforms.pad.size", "5000"),
        ("producer.override.message.max.bytes", "2000"),
        .. extra,
    ];
}
