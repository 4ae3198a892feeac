using System.Text.Json.Nodes;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Standalone offsets in one JSON file (<c>offset.storage.file.filename</c>). Every write replaces the file
/// atomically (<see cref="AtomicFile"/>), so a crash leaves either the old offsets or the new ones.
/// </summary>
public sealed class FileOffsetBackingStore : IOffsetBackingStore
{
    private readonly string _path;
    private readonly object _writeLock = new();
    private readonly OffsetMap _map = new();

    public FileOffsetBackingStore(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        Load();
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

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(_path));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidOperationException(
                $"The offsets file {_path} is not valid JSON ({e.Message}). It may be a Kafka Connect (Java-serialised) offsets file or was edited by hand: " +
                "move it aside to start the source connectors from the beginning, or point offset.storage.file.filename at another file.", e);
        }

        foreach (var item in root?.AsArray() ?? new JsonArray())
        {
            var key = item?["key"]?.AsArray();
            if (key is null || key.Count != 2)
            {
                continue;
            }

            _map.Set(key[0]!.GetValue<string>(), OffsetJson.FromNode(key[1])!, OffsetJson.FromNode(item!["value"]));
        }
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
