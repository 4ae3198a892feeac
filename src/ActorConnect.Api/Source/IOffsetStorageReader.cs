namespace ActorConnect.Api.Source;

/// <summary>Reads the offsets the runtime stored for a source connector, so a task resumes where its records were acknowledged.</summary>
public interface IOffsetStorageReader
{
    /// <summary>The last stored offset of one source partition, or null when none was stored.</summary>
    IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition);

    /// <summary>The last stored offsets of several source partitions; partitions without one are left out.</summary>
    IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions);
}

/// <summary>The runtime's side of a source task.</summary>
public interface ISourceTaskContext
{
    /// <summary>The task's configuration.</summary>
    IReadOnlyDictionary<string, string> Configs { get; }

    /// <summary>Reads stored source offsets; use it in <see cref="SourceTask.Start"/>.</summary>
    IOffsetStorageReader OffsetStorageReader { get; }
}

/// <summary>Where Kafka stored a record: given to <see cref="SourceTask.CommitRecord"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset in the partition.</param>
/// <param name="Timestamp">The timestamp, when the broker keeps one.</param>
public sealed record RecordMetadata(string Topic, int Partition, long Offset, DateTimeOffset? Timestamp);
