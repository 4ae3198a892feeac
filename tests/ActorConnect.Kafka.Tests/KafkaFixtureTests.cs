using System.Text;
using ActorConnect.TestSupport;
using Confluent.Kafka;

namespace ActorConnect.Kafka.Tests;

/// <summary>Proves the fixture reaches a real broker end to end before any connector test relies on it.</summary>
[Collection("kafka")]
public sealed class KafkaFixtureTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Produced_messages_are_all_read_back_from_a_three_partition_topic()
    {
        var topic = KafkaFixture.UniqueName("fixture-smoke");
        await kafka.CreateTopicAsync(topic, partitions: 3);

        var messages = Enumerable.Range(0, 1000)
            .Select(i => ((byte[]?)Encoding.UTF8.GetBytes($"k{i}"), (byte[]?)Encoding.UTF8.GetBytes($"v{i}")))
            .ToList();
        await kafka.ProduceAsync(topic, messages);

        var read = await kafka.ConsumeAllAsync(topic, expected: 1000, TimeSpan.FromSeconds(60));

        Assert.Equal(1000, read.Count);
        var values = read.Select(r => Encoding.UTF8.GetString(r.Message.Value!)).ToHashSet();
        Assert.Equal(1000, values.Count);
        Assert.Equal(3, read.Select(r => r.Partition.Value).Distinct().Count());
        Assert.All(read, r => Assert.Equal("k" + Encoding.UTF8.GetString(r.Message.Value!)[1..], Encoding.UTF8.GetString(r.Message.Key!)));
    }

    [Fact]
    public async Task Messages_sent_to_one_partition_stay_there()
    {
        var topic = KafkaFixture.UniqueName("fixture-partition");
        await kafka.CreateTopicAsync(topic, partitions: 3);

        await kafka.ProduceAsync(topic, [(null, "a"u8.ToArray()), (null, "b"u8.ToArray())], partition: 2);

        var read = await kafka.ConsumeAllAsync(topic, expected: 2, TimeSpan.FromSeconds(30));
        Assert.Equal(["a", "b"], read.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));
        Assert.All(read, r => Assert.Equal(2, r.Partition.Value));
        Assert.All(read, r => Assert.Null(r.Message.Key));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task A_created_topic_has_the_partitions_asked_for_each_led_and_creating_it_again_is_fine(int partitions)
    {
        // The broker's auto-create would give 3 partitions: a count other than 3 shows the topic is the one created.
        var topic = KafkaFixture.UniqueName("fixture-created");
        await kafka.CreateTopicAsync(topic, partitions);
        await kafka.CreateTopicAsync(topic, partitions);

        using var admin = new AdminClientBuilder(kafka.Apply(new AdminClientConfig())).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic);
        Assert.Equal(Enumerable.Range(0, partitions), metadata.Partitions.Select(p => p.PartitionId).Order());
        Assert.All(metadata.Partitions, p => Assert.True(p.Leader >= 0, $"partition {p.PartitionId} has no leader"));
        await kafka.ProduceAsync(topic, [(null, "x"u8.ToArray())], partition: partitions - 1);
        Assert.Equal(1, await kafka.HighWatermarkAsync(topic));
    }
}
