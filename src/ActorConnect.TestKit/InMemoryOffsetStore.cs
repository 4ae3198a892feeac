using ActorConnect.Api.Source;
using ActorConnect.Runtime.Storage;

namespace ActorConnect.TestKit;

/// <summary>
/// Source offsets kept in memory the way the runtime keeps them (its <see cref="OffsetMap"/>): a partition is the same
/// entry whatever the order of its fields, and offsets read back as they would after the runtime stored them as JSON
/// (an <c>int</c> comes back as a <c>long</c>). Hand <see cref="ReaderFor"/> to a task through an
/// <see cref="InMemorySourceTaskContext"/>, store what it polled with <see cref="Commit"/>, and start a new task on the
/// same store to test that it resumes where it left off. Thread-safe.
/// </summary>
public sealed class InMemoryOffsetStore : IOffsetBackingStore
{
    private readonly OffsetMap _map = new();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?>? Read(string connector, IReadOnlyDictionary<string, object?> partition) => _map.Read(connector, partition);

    /// <inheritdoc />
    public IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)> ReadAll(string connector) => _map.ReadAll(connector);

    /// <inheritdoc />
    public void Write(string connector, IReadOnlyCollection<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> offsets)
    {
        foreach (var (partition, offset) in offsets)
        {
            _map.Set(connector, partition, offset);
        }
    }

    /// <summary>Stores one partition's offset for <paramref name="connector"/>, as if the runtime had committed it.</summary>
    public InMemoryOffsetStore With(string connector, IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?> offset)
    {
        _map.Set(connector, partition, offset);
        return this;
    }

    /// <summary>
    /// Stores the offsets of records a task polled, as the runtime does once Kafka acknowledged them: the last record of
    /// each source partition wins; records without a source partition or offset store nothing.
    /// </summary>
    public void Commit(string connector, IEnumerable<SourceRecord> records)
    {
        foreach (var record in records)
        {
            if (record is { SourcePartition: { } partition, SourceOffset: { } offset })
            {
                _map.Set(connector, partition, offset);
            }
        }
    }

    /// <summary>The reader the runtime gives <paramref name="connector"/>'s tasks, on this store.</summary>
    public IOffsetStorageReader ReaderFor(string connector) => new ConnectorOffsetReader(this, connector);
}
