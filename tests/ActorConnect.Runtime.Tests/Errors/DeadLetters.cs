using System.Text;
using System.Text.Json;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.TestSupport;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>A record read back from a dead-letter topic: its original key and value and its error context.</summary>
public sealed record DeadLetter(byte[]? Key, byte[]? Value, IReadOnlyDictionary<string, string> Context, bool WasEnvelope)
{
    public string? ValueText => Value is null ? null : Encoding.UTF8.GetString(Value);

    public string this[string header] => Context.TryGetValue(DeadLetterQueueReporter.HeaderPrefix + header, out var v)
        ? v
        : throw new Xunit.Sdk.XunitException($"no {header} in the dead-letter context: {string.Join(", ", Context.Keys)}");
}

/// <summary>Reading what the runtime wrote to Kafka: dead letters (headers or envelope) and a group's committed offsets.</summary>
internal static class DeadLetters
{
    /// <summary>
    /// Reads <paramref name="expected"/> dead letters. From a broker with headers the context is in the headers; from a
    /// 0.9 broker it must be in an envelope, which is unwrapped so the test checks the same things either way.
    /// </summary>
    public static async Task<List<DeadLetter>> ReadAsync(KafkaFixture kafka, string topic, int expected)
    {
        var records = await kafka.ConsumeAllAsync(topic, expected, TimeSpan.FromSeconds(90));
        return records.Select(r => Parse(kafka.IsLegacyBroker, r.Message)).ToList();
    }

    /// <summary>As <see cref="ReadAsync(KafkaFixture, string, int)"/>, from an in-memory Kafka (which stores headers).</summary>
    public static async Task<List<DeadLetter>> ReadAsync(InMemory.InMemoryKafka kafka, string topic, int expected)
    {
        var records = await kafka.ConsumeAllAsync(topic, expected, TimeSpan.FromSeconds(90));
        return records.Select(r => Parse(kafka.IsLegacyBroker, r.Message)).ToList();
    }

    private static DeadLetter Parse(bool legacyBroker, Message<byte[]?, byte[]?> message)
    {
        if (!legacyBroker)
        {
            var context = (message.Headers ?? [])
                .Where(h => h.Key.StartsWith(DeadLetterQueueReporter.HeaderPrefix, StringComparison.Ordinal))
                .ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
            return new DeadLetter(message.Key, message.Value, context, false);
        }

        using var json = JsonDocument.Parse(message.Value!);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty(DeadLetterEnvelope.Marker).GetInt32());
        var envelopeContext = root.GetProperty("context").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var key = root.GetProperty("key");
        var value = root.GetProperty("value");
        Assert.Equal(message.Key, key.ValueKind == JsonValueKind.Null ? null : key.GetBytesFromBase64());
        return new DeadLetter(message.Key, value.ValueKind == JsonValueKind.Null ? null : value.GetBytesFromBase64(), envelopeContext, true);
    }

    /// <summary>The group's committed offset of each partition of the topic in an in-memory Kafka (-1001 when none).</summary>
    public static Dictionary<int, long> Committed(InMemory.InMemoryKafka kafka, string group, string topic, int partitions) =>
        kafka.Committed(group, topic, partitions);

    /// <summary>The group's committed offset of each partition of the topic (-1001 when none).</summary>
    public static Dictionary<int, long> Committed(KafkaFixture kafka, string group, string topic, int partitions)
    {
        var config = kafka.Apply(new ConsumerConfig { GroupId = group, EnableAutoCommit = false });
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        return consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, new Partition(p))), TimeSpan.FromSeconds(10))
            .ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
    }
}
