using ActorConnect.Api.Data;

namespace ActorConnect.Api.Sink;

/// <summary>How a sink record's timestamp was set.</summary>
public enum TimestampType
{
    /// <summary>The broker did not give a timestamp (Kafka before 0.10).</summary>
    NoTimestampType,
    /// <summary>Set by the producer.</summary>
    CreateTime,
    /// <summary>Set by the broker on append.</summary>
    LogAppendTime,
}

/// <summary>
/// A record read from Kafka for a sink task: the record plus its Kafka offset. <see cref="OriginalTopic"/>,
/// <see cref="OriginalKafkaPartition"/> and <see cref="OriginalKafkaOffset"/> keep the coordinates it was read at,
/// even after a transform renames the topic, because offsets are committed at those coordinates.
/// </summary>
public sealed record SinkRecord : ConnectRecord
{
    /// <summary>Creates a sink record.</summary>
    public SinkRecord(
        string topic,
        int partition,
        Schema? keySchema,
        object? key,
        Schema? valueSchema,
        object? value,
        long kafkaOffset,
        DateTimeOffset? timestamp = null,
        TimestampType timestampType = TimestampType.NoTimestampType,
        ConnectHeaders? headers = null)
        : base(topic, partition, keySchema, key, valueSchema, value, timestamp, headers)
    {
        KafkaOffset = kafkaOffset;
        TimestampType = timestampType;
        OriginalTopic = topic;
        OriginalKafkaPartition = partition;
        OriginalKafkaOffset = kafkaOffset;
    }

    /// <summary>The offset of the record in its Kafka partition.</summary>
    public long KafkaOffset { get; init; }

    /// <summary>How the timestamp was set.</summary>
    public TimestampType TimestampType { get; init; }

    /// <summary>The topic the record was consumed from.</summary>
    public string OriginalTopic { get; init; }

    /// <summary>The partition the record was consumed from.</summary>
    public int OriginalKafkaPartition { get; init; }

    /// <summary>The offset the record was consumed at.</summary>
    public long OriginalKafkaOffset { get; init; }

    /// <summary>The partition the record was consumed from, as a <see cref="TopicPartition"/>.</summary>
    public TopicPartition OriginalTopicPartition => new(OriginalTopic, OriginalKafkaPartition);
}
