using ActorConnect.Api.Source;

namespace ActorConnect.Runtime.Storage;

/// <summary>One connector's view of the offset store, handed to its source tasks (and by the TestKit to tasks under test).</summary>
public sealed class ConnectorOffsetReader(IOffsetBackingStore store, string connector) : IOffsetStorageReader
{
    public IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition) => store.Read(connector, partition);

    public IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions)
    {
        var result = new Dictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>>();
        foreach (var p in partitions)
        {
            if (store.Read(connector, p) is { } offset)
            {
                result[p] = offset;
            }
        }

        return result;
    }
}
