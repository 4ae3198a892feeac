using System.Text.Json;
using System.Text.Json.Nodes;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Standalone connector configs in one JSON file (<c>config.storage.file.filename</c>), replaced atomically on every
/// change: <c>{"connectors": {"name": {"config": {...}, "target_state": "STARTED"}}}</c>. Kafka Connect's standalone
/// worker forgets connectors created over REST when it restarts; this one brings them back.
/// </summary>
public sealed class FileConfigBackingStore : IConfigBackingStore
{
    private readonly string _path;
    private readonly object _lock = new();
    private readonly SortedDictionary<string, StoredConnector> _connectors = new(StringComparer.Ordinal);

    public FileConfigBackingStore(string path)
    {
        _path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
        Load();
    }

    public string FilePath => _path;

    public IReadOnlyList<StoredConnector> ReadAll()
    {
        lock (_lock)
        {
            return _connectors.Values.ToList();
        }
    }

    public void Put(StoredConnector connector)
    {
        lock (_lock)
        {
            _connectors[connector.Name] = connector;
            Persist();
        }
    }

    public void Remove(string name)
    {
        lock (_lock)
        {
            if (_connectors.Remove(name))
            {
                Persist();
            }
        }
    }

    public string HowToRemove(string name) =>
        $"stop the worker, delete the entry \"{Logging.LogText.Escape(name)}\" under \"connectors\" in {_path} and start the worker again";

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        try
        {
            var root = JsonNode.Parse(File.ReadAllText(_path))?["connectors"]?.AsObject() ?? new JsonObject();
            foreach (var (name, node) in root)
            {
                var config = node?["config"]?.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
                             ?? new Dictionary<string, string>();
                var state = Enum.Parse<TargetState>(node?["target_state"]?.GetValue<string>() ?? nameof(TargetState.Started), ignoreCase: true);
                _connectors[name] = new StoredConnector(name, config, state);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new ConfigException(
                $"The connector config file {_path} cannot be read ({e.Message}). It was edited by hand or written by something else: " +
                "fix it, move it aside (the connectors created over REST are then forgotten), or point config.storage.file.filename at another file.");
        }
    }

    private void Persist()
    {
        var connectors = new JsonObject();
        foreach (var c in _connectors.Values)
        {
            var config = new JsonObject();
            foreach (var (k, v) in c.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                config[k] = v;
            }

            connectors[c.Name] = new JsonObject
            {
                ["config"] = config,
                ["target_state"] = c.TargetState.ToString().ToUpperInvariant(),
            };
        }

        var root = new JsonObject { ["connectors"] = connectors };
        AtomicFile.Write(_path, System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
    }
}
