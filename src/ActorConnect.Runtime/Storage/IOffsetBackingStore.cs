namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Where source offsets live: a file in standalone mode, a compacted topic in distributed mode. Implementations are
/// thread-safe; <see cref="Write"/> returns only when the offsets are durable.
/// </summary>
public interface IOffsetBackingStore
{
    /// <summary>The stored offset of one source partition of a connector, or null.</summary>
    IReadOnlyDictionary<string, object?>? Read(string connector, IReadOnlyDictionary<string, object?> partition);

    /// <summary>Every stored partition and offset of a connector.</summary>
    IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)> ReadAll(string connector);

    /// <summary>Stores offsets durably (a null offset removes the partition).</summary>
    void Write(string connector, IReadOnlyCollection<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> offsets);
}
