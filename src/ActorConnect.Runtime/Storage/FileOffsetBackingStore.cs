using System.Text.Json.Nodes;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Standalone offsets in one JSON file (<c>offset.storage.file.filename</c>). Every write replaces the file
/// atomically (<see cref="AtomicFile"/>), so a crash leaves either the old offsets or the new ones.
/// </summary>
public sealed class FileOffsetBackingStore : IOffsetBackingStore
{
    private const string EntryShape = "{\"key\": [\"connector\", {partition}], \"value\": {offset}}";

    private readonly string _path;
    private readonly object _writeLock = new();
    private readonly OffsetMap _map = new();

    /// <summary>
    /// Reads the offsets stored in <paramref name="path"/> (none when it does not exist yet); throws
    /// <see cref="Api.Errors.ConfigException"/> naming the file and the fix when it cannot be used.
    /// </summary>
    /// <param name="path">The offsets file (<c>offset.storage.file.filename</c>).</param>
    /// <param name="warn">Told when the file holds no offsets at all, so the sources start again from their beginning.</param>
    public FileOffsetBackingStore(string path, Action<string>? warn = null)
    {
        _path = Path.GetFullPath(path);
        StateFile.Offsets.EnsureDirectory(_path);
        Load(warn);
    }

    public IReadOnlyDictionary<string, object?>? Read(string connector, IReadOnlyDictionary<string, object?> partition) => _map.Read(connector, partition);

    public IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)> ReadAll(string connector) => _map.ReadAll(connector);

    public void Write(string connector, IReadOnlyCollection<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> offsets)
    {
        lock (_writeLock)
        {
            foreach (var (partition, offset) in offsets)
            {
                _map.Set(connector, partition, offset);
            }

            Persist();
        }
    }

    private void Load(Action<string>? warn)
    {
        if (StateFile.Offsets.Read(_path) is not { } root)
        {
            return;
        }

        if (root is not JsonArray entries)
        {
            throw StateFile.Offsets.Corrupt(_path, $"expected a JSON array of entries {EntryShape}, found {StateFile.KindOf(root)}");
        }

        if (entries.Count == 0)
        {
            // Written by this worker only once every offset was reset; by hand, often by mistake: either way every
            // source connector is about to read its source from the start, which an operator should see.
            warn?.Invoke($"The offsets file {_path} holds no offsets ([]): every source connector reads its source from the start. " +
                         "If it should hold offsets, stop the worker and restore the file from a backup.");
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var (connector, partition, offset) = ParseEntry(entries[i]) is { } parsed
                ? parsed
                : throw StateFile.Offsets.Corrupt(_path, $"entry {i} of the array ({Shorten(entries[i])}) is not of the shape {EntryShape}");
            _map.Set(connector, partition, offset);
        }
    }

    /// <summary>One entry in the shape <see cref="Persist"/> writes; null when it is not.</summary>
    private static (string Connector, IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)? ParseEntry(JsonNode? entry)
    {
        if (entry is not JsonObject obj || obj["key"] is not JsonArray { Count: 2 } key ||
            StateFile.StringOf(key[0]) is not { } connector || OffsetJson.FromNode(key[1]) is not { } partition)
        {
            return null;
        }

        var value = obj["value"];
        if (value is not null and not JsonObject)
        {
            return null;
        }

        return (connector, partition, OffsetJson.FromNode(value));
    }

    private static string Shorten(JsonNode? node)
    {
        var json = node?.ToJsonString() ?? "null";
        return json.Length <= 80 ? json : json[..77] + "...";
    }

    private void Persist()
    {
        var array = new JsonArray();
        foreach (var e in _map.Snapshot())
        {
            array.Add(new JsonObject
            {
                ["key"] = new JsonArray(JsonValue.Create(e.Connector), e.Partition.DeepClone()),
                ["value"] = e.Offset?.DeepClone(),
            });
        }

        AtomicFile.Write(_path, System.Text.Encoding.UTF8.GetBytes(array.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
    }
}
