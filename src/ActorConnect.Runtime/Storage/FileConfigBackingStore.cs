using System.Text.Json;
using System.Text.Json.Nodes;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Model;

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

    /// <summary>
    /// Reads the connectors stored in <paramref name="path"/> (none when it does not exist yet); throws
    /// <see cref="ConfigException"/> naming the file and the fix when it cannot be used.
    /// </summary>
    public FileConfigBackingStore(string path)
    {
        _path = System.IO.Path.GetFullPath(path);
        StateFile.Connectors.EnsureDirectory(_path);
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
        if (StateFile.Connectors.Read(_path) is not { } root)
        {
            return;
        }

        if (root is not JsonObject obj || obj["connectors"] is not JsonObject connectors)
        {
            throw StateFile.Connectors.Corrupt(_path,
                $"expected an object {{\"connectors\": {{\"name\": {{\"config\": {{...}}, \"target_state\": \"STARTED\"}}}}}}, found {StateFile.KindOf(root)}" +
                (root is JsonObject ? " without a \"connectors\" object" : string.Empty));
        }

        foreach (var (name, node) in connectors)
        {
            _connectors[name] = ParseConnector(name, node);
        }
    }

    private StoredConnector ParseConnector(string name, JsonNode? node)
    {
        ConfigException Bad(string problem) => StateFile.Connectors.Corrupt(_path, $"connector {StateFile.Quote(name)} {problem}");

        if (node is not JsonObject connector || connector["config"] is not JsonObject configNode)
        {
            throw Bad($"is {StateFile.KindOf(node)}{(node is JsonObject ? " without a \"config\" object" : string.Empty)}, expected {{\"config\": {{...}}, \"target_state\": \"STARTED\"}}");
        }

        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in configNode)
        {
            config[key] = StateFile.StringOf(value) ?? throw Bad($"has {StateFile.KindOf(value)} as the value of {StateFile.Quote(key)}, expected a string");
        }

        var state = connector["target_state"] is { } stateNode
            ? Enum.GetValues<TargetState>().Cast<TargetState?>().FirstOrDefault(t => t.ToString()!.Equals(StateFile.StringOf(stateNode), StringComparison.OrdinalIgnoreCase))
              ?? throw Bad($"has target_state {stateNode.ToJsonString()}, expected one of {string.Join(", ", Enum.GetNames<TargetState>().Select(n => n.ToUpperInvariant()))}")
            : TargetState.Started;
        return new StoredConnector(name, config, state);
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
