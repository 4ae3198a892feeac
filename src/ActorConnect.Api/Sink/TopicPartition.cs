namespace ActorConnect.Api.Sink;

/// <summary>A Kafka topic partition, without any client library's type so connectors depend on the SPI alone.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition number.</param>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    /// <inheritdoc />
    public override string ToString() => $"{Topic}-{Partition}";
}
