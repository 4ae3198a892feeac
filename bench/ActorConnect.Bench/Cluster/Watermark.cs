using Confluent.Kafka;

namespace ActorConnect.Bench.Cluster;

/// <summary>A topic's record count (high watermarks summed over its partitions), read as often as a round needs.</summary>
internal sealed class Watermark : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> _consumer;
    private readonly TopicPartition[] _partitions;

    public Watermark(string bootstrap, bool legacy, string topic)
    {
        var config = Broker.Configure(new ConsumerConfig { GroupId = "acbench-watermarks" }, bootstrap, legacy);
        _consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
        using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        _partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToArray();
        if (_partitions.Length == 0)
        {
            throw new ArgumentException($"topic {topic} has no partitions (does it exist?)");
        }
    }

    /// <summary>The count, or null when the broker did not answer (a 0.9 broker drops requests now and then).</summary>
    public long? Read()
    {
        try
        {
            return _partitions.Sum(tp => _consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(2)).High.Value);
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    public void Dispose() => _consumer.Dispose();
}
