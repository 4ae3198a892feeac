using System.Collections.Concurrent;
using System.Text;
using ActorConnect.TestSupport;

namespace ActorConnect.Kafka.Tests;

/// <summary>The compacted-topic log distributed workers keep their state in, on the real test broker.</summary>
[Collection("kafka")]
public sealed class KafkaBasedLogTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Every_log_on_the_topic_sees_every_write_and_a_new_one_reads_the_whole_topic()
    {
        var topic = KafkaFixture.UniqueName("log");
        await kafka.CreateTopicAsync(topic, 3);
        var seenByA = new ConcurrentDictionary<string, string?>();
        var seenByB = new ConcurrentDictionary<string, string?>();
        using var a = new KafkaBasedLog(Settings(topic), r => seenByA[Key(r)] = Value(r));
        using var b = new KafkaBasedLog(Settings(topic), r => seenByB[Key(r)] = Value(r));
        await a.StartAsync();
        await b.StartAsync();

        for (var i = 0; i < 20; i++)
        {
            await a.SendAsync(Bytes($"key-{i % 5}"), Bytes($"value-{i}"));
        }

        await b.SendAsync(Bytes("key-0"), null);
        await a.ReadToEndAsync();
        await b.ReadToEndAsync();

        var expected = new Dictionary<string, string?> { ["key-0"] = null, ["key-1"] = "value-16", ["key-2"] = "value-17", ["key-3"] = "value-18", ["key-4"] = "value-19" };
        Assert.Equal(expected, seenByA.OrderBy(kv => kv.Key).ToDictionary());
        Assert.Equal(expected, seenByB.OrderBy(kv => kv.Key).ToDictionary());

        var seenByC = new ConcurrentDictionary<string, string?>();
        using var c = new KafkaBasedLog(Settings(topic), r => seenByC[Key(r)] = Value(r));
        await c.StartAsync();
        Assert.Equal(expected, seenByC.OrderBy(kv => kv.Key).ToDictionary());
    }

    [Fact]
    public async Task A_missing_topic_is_created_compacted_or_the_error_gives_the_command_to_create_it()
    {
        var topic = KafkaFixture.UniqueName("log-missing");
        using var log = new KafkaBasedLog(Settings(topic), _ => { });
        if (kafka.IsLegacyBroker)
        {
            var error = await Assert.ThrowsAsync<KafkaLogTopicException>(() => log.StartAsync());
            Assert.Contains($"--create --topic {topic} --partitions 2 --replication-factor 1 --config cleanup.policy=compact", error.Message);
            // Asking must not have made the broker auto-create it with the delete policy.
            using var again = new KafkaBasedLog(Settings(topic), _ => { });
            await Assert.ThrowsAsync<KafkaLogTopicException>(() => again.StartAsync());
        }
        else
        {
            await log.StartAsync();
            await log.SendAsync(Bytes("k"), Bytes("v"));
            await log.ReadToEndAsync();
        }
    }

    private KafkaLogSettings Settings(string topic) =>
        new(kafka.BootstrapServers, topic, 2, 1) { BrokerFeatures = kafka.IsLegacyBroker ? BrokerFeatures.Legacy : BrokerFeatures.Modern };

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Key(Confluent.Kafka.ConsumeResult<byte[], byte[]?> r) => Encoding.UTF8.GetString(r.Message.Key);

    private static string? Value(Confluent.Kafka.ConsumeResult<byte[], byte[]?> r) => r.Message.Value is null ? null : Encoding.UTF8.GetString(r.Message.Value);
}
