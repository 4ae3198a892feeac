using Confluent.Kafka;

namespace ActorConnect.TestKit;

/// <summary>Reads a topic of the mock cluster from its start, with no consumer group (assigned partitions).</summary>
internal static class TopicReader
{
    /// <summary>
    /// Reads <paramref name="topic"/> from its start until it holds <paramref name="count"/> records (or the time is
    /// up), partition by partition in offset order; none when the topic does not exist by then.
    /// </summary>
    public static List<ProducedRecord> Read(string bootstrapServers, string topic, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var records = new List<ProducedRecord>();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = Partitions(admin, topic, deadline);
        if (partitions.Count == 0)
        {
            return records;
        }

        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "connector-harness-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var atEnd = new HashSet<int>();
        DateTime? enoughAt = null;
        while (true)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: true })
            {
                atEnd.Add(result.Partition.Value);
            }
            else if (result is not null)
            {
                atEnd.Remove(result.Partition.Value);
                records.Add(new ProducedRecord(topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value,
                    result.Message.Headers?.Select(h => new KeyValuePair<string, byte[]?>(h.Key, h.GetValueBytes())).ToList() ?? [],
                    result.Message.Timestamp.Type == TimestampType.NotAvailable ? null : result.Message.Timestamp.UtcDateTime));
            }

            // Enough records: return once every partition is read to its end, or after a moment for a source that
            // never pauses (its partitions are seldom all at their end at once).
            var now = DateTime.UtcNow;
            if (records.Count >= count)
            {
                enoughAt ??= now;
                if (atEnd.Count == partitions.Count || now - enoughAt >= TimeSpan.FromSeconds(1))
                {
                    break;
                }
            }
            else if (now >= deadline)
            {
                break;
            }
        }

        consumer.Close();
        return records.OrderBy(r => r.Partition).ThenBy(r => r.Offset).ToList();
    }

    // A source creates its topic with its first record: until then there is nothing to read.
    private static List<int> Partitions(IAdminClient admin, string topic, DateTime deadline)
    {
        while (true)
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == topic);
            if (metadata is { Error.IsError: false, Partitions.Count: > 0 })
            {
                return metadata.Partitions.Select(p => p.PartitionId).ToList();
            }

            if (DateTime.UtcNow >= deadline)
            {
                return [];
            }

            Thread.Sleep(50);
        }
    }
}
