namespace ActorConnect.Api.Data;

/// <summary>
/// What source and sink records share: the Kafka topic and partition, key and value with their schemas,
/// timestamp and headers. Records are immutable; transforms make new ones with <c>with</c> expressions.
/// </summary>
public abstract record ConnectRecord
{
    /// <summary>Creates a record.</summary>
    protected ConnectRecord(string topic, int? kafkaPartition, Schema? keySchema, object? key, Schema? valueSchema, object? value, DateTimeOffset? timestamp, ConnectHeaders? headers)
    {
        Topic = topic;
        KafkaPartition = kafkaPartition;
        KeySchema = keySchema;
        Key = key;
        ValueSchema = valueSchema;
        Value = value;
        Timestamp = timestamp;
        Headers = headers ?? ConnectHeaders.Empty;
    }

    /// <summary>The Kafka topic.</summary>
    public string Topic { get; init; }

    /// <summary>The Kafka partition, or null to let the producer's partitioner choose.</summary>
    public int? KafkaPartition { get; init; }

    /// <summary>The key's schema, or null for schemaless keys.</summary>
    public Schema? KeySchema { get; init; }

    /// <summary>The key.</summary>
    public object? Key { get; init; }

    /// <summary>The value's schema, or null for schemaless values.</summary>
    public Schema? ValueSchema { get; init; }

    /// <summary>The value; null is a tombstone.</summary>
    public object? Value { get; init; }

    /// <summary>The record timestamp, when known.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The record headers.</summary>
    public ConnectHeaders Headers { get; init; }
}
