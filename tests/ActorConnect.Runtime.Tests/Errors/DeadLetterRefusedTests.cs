using System.Text;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// A tolerated record whose dead-letter copy Kafka refuses (here: larger than the dead-letter producer's
/// <c>message.max.bytes</c>) is logged, not fatal: a pipeline told to tolerate bad records keeps running past it.
/// </summary>
[Collection("kafka")]
public sealed class DeadLetterRefusedTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_dead_letter_copy_Kafka_refuses_is_logged_and_the_task_keeps_running_and_committing()
    {
        const int records = 100;
        var topic = KafkaFixture.UniqueName("dlq-refused");
        await kafka.CreateTopicAsync(topic, 1);
        var pill = Encoding.UTF8.GetBytes("not json " + new string('x', 5000));
        await kafka.ProduceAsync(topic, Enumerable.Range(0, records)
            .Select(i => ((byte[]?)null, (byte[]?)(i == 50 ? pill : Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")))), 0);
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", nameof(CollectingSinkConnector)), ("topics", topic),
            ("value.converter", "org.apache.kafka.connect.json.JsonConverter"), ("value.converter.schemas.enable", "false"),
            ("errors.tolerance", "all"), ("errors.deadletterqueue.topic.name", KafkaFixture.UniqueName("dlq-small")),
            ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("producer.override.message.max.bytes", "2000"));

        await Eventually.AssertAsync(() => DeadLetters.Committed(kafka, $"connect-{topic}", topic, 1)[0] == records,
            TimeSpan.FromMinutes(1), "the offsets are committed past the record whose dead-letter copy was refused");
        Assert.Equal(records - 1, SinkCollector.For(topic).Records.Count);
        var status = await worker.Worker.StatusAsync(topic);
        Assert.True(status.Tasks is [{ State: ConnectState.Running, RestartCount: 0 }], WorkerHarness.Describe(status));
    }
}
