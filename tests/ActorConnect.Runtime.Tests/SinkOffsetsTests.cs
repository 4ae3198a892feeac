using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// A sink connector's offsets are its consumer group's, on the real broker: read, altered and reset while STOPPED through
/// the worker's protocol, with its active topics.
/// </summary>
[Collection("kafka")]
public sealed class SinkOffsetsTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sink_offsets_are_the_consumer_groups_and_can_be_altered_and_reset_while_stopped()
    {
        var topic = KafkaFixture.UniqueName("sink-offsets");
        await kafka.CreateTopicAsync(topic, 2);
        await kafka.ProduceAsync(topic, Enumerable.Range(0, 10).Select(i => ((byte[]?)null, (byte[]?)System.Text.Encoding.UTF8.GetBytes($"r{i}"))), partition: 0);
        await kafka.ProduceAsync(topic, Enumerable.Range(0, 4).Select(i => ((byte[]?)null, (byte[]?)System.Text.Encoding.UTF8.GetBytes($"s{i}"))), partition: 1);
        await using var worker = WorkerHarness.Start(kafka);
        var name = topic + "-sink";
        await worker.Worker.CreateConnectorAsync(new Dictionary<string, string>
        {
            ["name"] = name,
            ["connector.class"] = typeof(RecordingSinkConnector).FullName!,
            ["topics"] = topic,
        });
        await Eventually.AssertAsync(async () =>
        {
            var read = await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name));
            return read.Offsets.Count == 2
                   && read.Offsets.Any(o => Equals(o.Partition["kafka_partition"], 0) && Equals(o.Offset!["kafka_offset"], 10L))
                   && read.Offsets.Any(o => Equals(o.Partition["kafka_partition"], 1) && Equals(o.Offset!["kafka_offset"], 4L));
        }, Timeout, "both partitions' consumed offsets are committed and shown in Kafka Connect's sink shape");
        Assert.All((await worker.Worker.AskAsync<WorkerProtocol.ActiveTopics>(new WorkerProtocol.GetActiveTopics(name))).Topics, t => Assert.Equal(topic, t));

        await worker.Worker.SetTargetStateAsync(name, TargetState.Stopped);
        var bad = new WorkerProtocol.AlterOffsets(name, [new ConnectorOffset(new Dictionary<string, object?> { ["kafka_topic"] = topic }, new Dictionary<string, object?> { ["kafka_offset"] = 1L })]);
        Assert.Contains("kafka_partition", (await Assert.ThrowsAsync<BadRequestException>(() => worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(bad))).Message);

        await worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.AlterOffsets(name,
            [new ConnectorOffset(new Dictionary<string, object?> { ["kafka_topic"] = topic, ["kafka_partition"] = 0L }, new Dictionary<string, object?> { ["kafka_offset"] = 7L })]));
        var altered = await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name));
        Assert.Equal(7L, altered.Offsets.Single(o => Equals(o.Partition["kafka_partition"], 0)).Offset!["kafka_offset"]);

        await worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.ResetOffsets(name));
        var reset = await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name));
        // A broker that can delete group offsets shows none; an older one shows each partition at its start.
        Assert.All(reset.Offsets, o => Assert.Equal(0L, o.Offset!["kafka_offset"]));

        await worker.Worker.AskAsync<Akka.Actor.Status.Success>(new WorkerProtocol.ResetActiveTopics(name));
        Assert.Empty((await worker.Worker.AskAsync<WorkerProtocol.ActiveTopics>(new WorkerProtocol.GetActiveTopics(name))).Topics);
    }
}
