using ActorConnect.Api.Data;

namespace ActorConnect.Api.Source;

/// <summary>
/// A record a source task read from its system. <see cref="SourcePartition"/> names where it came from (a file,
/// a table) and <see cref="SourceOffset"/> how far in that partition it is (a byte position, an id); the runtime
/// stores the offset once Kafka has acknowledged the record and every record before it from the same partition,
/// and hands it back through <see cref="IOffsetStorageReader"/> after a restart. Keys and values of both maps
/// should be strings, numbers or booleans, so they serialise the same way Kafka Connect's do.
/// </summary>
public sealed record SourceRecord : ConnectRecord
{
    /// <summary>Creates a source record.</summary>
    public SourceRecord(
        IReadOnlyDictionary<string, object?>? sourcePartition,
        IReadOnlyDictionary<string, object?>? sourceOffset,
        string topic,
        int? kafkaPartition,
        Schema? keySchema,
        object? key,
        Schema? valueSchema,
        object? value,
        DateTimeOffset? timestamp = null,
        ConnectHeaders? headers = null)
        : base(topic, kafkaPartition, keySchema, key, valueSchema, value, timestamp, headers)
    {
        SourcePartition = sourcePartition;
        SourceOffset = sourceOffset;
    }

    /// <summary>Creates a keyless source record with a value and its schema.</summary>
    public SourceRecord(IReadOnlyDictionary<string, object?>? sourcePartition, IReadOnlyDictionary<string, object?>? sourceOffset, string topic, Schema? valueSchema, object? value)
        : this(sourcePartition, sourceOffset, topic, null, null, null, valueSchema, value)
    {
    }

    /// <summary>Where in the source system the record came from; null when the source keeps no offsets.</summary>
    public IReadOnlyDictionary<string, object?>? SourcePartition { get; init; }

    /// <summary>The position of the record within its source partition.</summary>
    public IReadOnlyDictionary<string, object?>? SourceOffset { get; init; }
}
