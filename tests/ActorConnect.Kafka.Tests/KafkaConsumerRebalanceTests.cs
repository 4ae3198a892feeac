using ActorConnect.TestSupport;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

[Collection("kafka")]
public sealed class KafkaConsumerRebalanceTests(KafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTestBase(kafka, output)
{
    [Fact]
    public async Task Offsets_returned_on_revoke_are_committed_and_the_next_owner_starts_exactly_there()
    {
        const int total = 3000, processedByA = 300;
        var topic = await CreateTopicWithRecordsAsync("rebalance", total);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-rebalance"));
        var listenerA = new RecordingListener();
        var listenerB = new RecordingListener();

        var (controlA, probeA) = Consume(settings, topic, listenerA);
        probeA.Request(processedByA);
        var recordsA = probeA.ExpectNextN(processedByA, Patience).ToList();
        recordsA.ForEach(listenerA.Processed);
        Assert.Equal(3, listenerA.Assigned.Count);

        // B joins: A must give everything up (committing what it processed), then the group splits the partitions.
        var (controlB, probeB) = Consume(settings, topic, listenerB);
        await WaitUntilAsync(() =>
            listenerA.RevokeCount >= 1 && listenerA.Assigned.Count > 0 && listenerB.Assigned.Count > 0 &&
            listenerA.Assigned.Count + listenerB.Assigned.Count == 3, "A and B share the partitions");

        Assert.Equal(["assigned 0,1,2", "revoked 0,1,2"], listenerA.Events.Take(2));
        var processed = Enumerable.Range(0, 3)
            .Select(p => new TopicPartition(topic, p))
            .Where(p => listenerA.ProcessedUpTo(p) > 0)
            .Select(p => (p.Partition.Value, listenerA.ProcessedUpTo(p)))
            .ToList();
        Assert.True(listenerA.CommittedOnRevoke.TryPeek(out var firstRevokeCommit));
        Assert.Equal(processed, firstRevokeCommit!.Select(o => (o.Partition.Value, o.Offset.Value)).Order());
        Assert.Equal(processed, Committed(settings.GroupId, topic));

        // A leaves cleanly; B then owns everything and must start each partition at what A committed.
        await controlA.StopAsync().WaitAsync(Patience);
        probeA.Cancel();
        await WaitUntilAsync(() => listenerB.Assigned.Count == 3, "B owns every partition after A left");
        var generation = controlB.AssignmentGeneration;

        probeB.Request(total + 100); // B may still hold stale records of its first assignment
        var recordsB = new List<ConsumedRecord>();
        while (recordsB.Count < total - processedByA)
        {
            var record = probeB.ExpectNext(Patience);
            if (record.Generation >= generation)
                recordsB.Add(record);
        }
        await controlB.StopAsync().WaitAsync(Patience);

        foreach (var partition in recordsB.GroupBy(r => r.TopicPartition))
            Assert.Equal(listenerA.ProcessedUpTo(partition.Key), partition.First().Offset);
        var values = recordsA.Concat(recordsB).Select(r => Text(r.Value)).ToList();
        Assert.Equal(total, values.Distinct().Count());
        Assert.Equal(0, listenerA.LostCount + listenerB.LostCount);
    }

    private List<(int Partition, long Offset)> Committed(string groupId, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(Kafka.Apply(new ConsumerConfig { GroupId = groupId })).Build();
        var partitions = Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p));
        return consumer.Committed(partitions, Patience)
            .Where(o => o.Offset != Offset.Unset)
            .Select(o => (o.Partition.Value, o.Offset.Value))
            .Order()
            .ToList();
    }
}
