using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;

namespace ActorConnect.Cluster.Storage;

/// <summary>
/// Connector configs, target states and task configs in a compacted topic (<c>config.storage.topic</c>, default
/// <c>connect-configs</c>, one partition so every worker sees the changes in one order), in Kafka Connect's layout:
/// <list type="bullet">
/// <item><c>connector-{name}</c>: <c>{"properties": {...}}</c>, a tombstone when deleted;</item>
/// <item><c>target-state-{name}</c>: <c>{"state": "STARTED"|"PAUSED", "state.v2": "STARTED"|"PAUSED"|"STOPPED"}</c>
/// (<c>state</c> says PAUSED for STOPPED, for workers older than Kafka 3.5);</item>
/// <item><c>task-{name}-{n}</c>: <c>{"properties": {...}}</c>, then <c>commit-{name}</c>: <c>{"tasks": N}</c>, which
/// makes that set of task configs the current one.</item>
/// <item><c>worker-{host}:{port}</c>: a worker's announcement (<see cref="WorkerAnnouncement"/>), ActorConnect's
/// own, which Kafka Connect's readers skip.</item>
/// </list>
/// </summary>
public sealed class KafkaConfigBackingStore : IConfigBackingStore, IAnnouncementLog, IDisposable
{
    private const string ConnectorPrefix = "connector-";
    private const string TargetStatePrefix = "target-state-";
    private const string TaskPrefix = "task-";
    private const string CommitPrefix = "commit-";
    private readonly KafkaBasedLog _log;
    private readonly object _lock = new();
    private readonly SortedDictionary<string, IReadOnlyDictionary<string, string>> _configs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TargetState> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<int, IReadOnlyDictionary<string, string>>> _pendingTasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string>>> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _announcements = new(StringComparer.Ordinal);

    public KafkaConfigBackingStore(KafkaLogSettings settings) => _log = new KafkaBasedLog(settings, OnRecord);

    /// <summary>Raised on the log's thread with a connector's name whenever its config, target state or task configs change, whoever wrote them.</summary>
    public event Action<string>? Changed;

    /// <inheritdoc />
    public event Action<string, byte[]?>? Announced;

    /// <inheritdoc />
    public string Topic => _log.Topic;

    /// <summary>Reads the topic to its end; call before the first read.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _log.StartAsync(cancellationToken);

    /// <summary>Returns once every change written by any worker before the call is in this store.</summary>
    public Task ReadToEndAsync(CancellationToken cancellationToken = default) => _log.ReadToEndAsync(cancellationToken);

    public IReadOnlyList<StoredConnector> ReadAll()
    {
        lock (_lock)
        {
            return _configs.Select(kv => new StoredConnector(kv.Key, kv.Value, _targets.GetValueOrDefault(kv.Key, TargetState.Started))).ToList();
        }
    }

    /// <summary>One stored connector, or null when there is none by that name.</summary>
    public StoredConnector? Read(string name)
    {
        lock (_lock)
        {
            return _configs.TryGetValue(name, out var config) ? new StoredConnector(name, config, _targets.GetValueOrDefault(name, TargetState.Started)) : null;
        }
    }

    /// <summary>The committed task configs of a connector (empty before its first commit).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(string connector)
    {
        lock (_lock)
        {
            return _tasks.GetValueOrDefault(connector) ?? [];
        }
    }

    public void Put(StoredConnector connector)
    {
        // Target state first, as Kafka Connect writes it: a worker that reads the new connector's config must already
        // know whether it is to run, or a connector created PAUSED or STOPPED would run for a moment.
        var state = connector.TargetState.ToString().ToUpperInvariant();
        Send(TargetStatePrefix + connector.Name, new JsonObject
        {
            ["state"] = connector.TargetState == TargetState.Stopped ? "PAUSED" : state,
            ["state.v2"] = state,
        });
        Send(ConnectorPrefix + connector.Name, Properties(connector.Config));
    }

    public void Remove(string name)
    {
        Send(ConnectorPrefix + name, null);
        Send(TargetStatePrefix + name, null);
    }

    public string HowToRemove(string name)
    {
        var (connector, target) = (ConnectorPrefix + Runtime.Logging.LogText.Escape(name), TargetStatePrefix + Runtime.Logging.LogText.Escape(name));
        return $"write tombstones (null values) for the keys \"{connector}\" and \"{target}\" to the config topic {_log.Topic}, for example the lines " +
            $"\"{connector}|\" and \"{target}|\" into kcat -P -Z -K '|' -b <broker> -t {_log.Topic}";
    }

    /// <summary>Writes a connector's task configs, then the commit record that makes them current.</summary>
    public void PutTaskConfigs(string connector, IReadOnlyList<IReadOnlyDictionary<string, string>> configs)
    {
        for (var i = 0; i < configs.Count; i++)
        {
            Send($"{TaskPrefix}{connector}-{i}", Properties(configs[i]));
        }

        Send(CommitPrefix + connector, new JsonObject { ["tasks"] = configs.Count });
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, byte[]> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, byte[]>(_announcements, StringComparer.Ordinal);
        }
    }

    /// <inheritdoc />
    public async Task PublishAsync(string key, byte[]? value) =>
        await _log.SendAsync(Encoding.UTF8.GetBytes(key), value).ConfigureAwait(false);

    public void Dispose() => _log.Dispose();

    private static JsonObject Properties(IReadOnlyDictionary<string, string> config)
    {
        var properties = new JsonObject();
        foreach (var (k, v) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            properties[k] = v;
        }

        return new JsonObject { ["properties"] = properties };
    }

    private static IReadOnlyDictionary<string, string> ReadProperties(JsonNode? value) =>
        value?["properties"] is JsonObject properties
            ? properties.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? string.Empty, StringComparer.Ordinal)
            : new Dictionary<string, string>();

    private void Send(string key, JsonNode? value)
    {
        // Returns once the brokers have it; the store itself changes when the record comes back through the log,
        // so every worker (this one too) applies the changes in the topic's order.
        _log.SendAsync(Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value.ToJsonString())).GetAwaiter().GetResult();
        _log.ReadToEndAsync().GetAwaiter().GetResult();
    }

    private void OnRecord(Confluent.Kafka.ConsumeResult<byte[], byte[]?> record)
    {
        var key = Encoding.UTF8.GetString(record.Message.Key);
        if (key.StartsWith(WorkerAnnouncement.KeyPrefix, StringComparison.Ordinal))
        {
            // Raised under the lock, so a reader that took a snapshot and then subscribed misses nothing in between.
            lock (_lock)
            {
                if (record.Message.Value is { } announced)
                {
                    _announcements[key] = announced;
                }
                else
                {
                    _announcements.Remove(key);
                }

                Announced?.Invoke(key, record.Message.Value);
            }

            return;
        }

        JsonNode? value;
        try
        {
            value = record.Message.Value is null ? null : JsonNode.Parse(record.Message.Value);
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }

        var connector = Apply(key, value);
        if (connector is not null)
        {
            Changed?.Invoke(connector);
        }
    }

    private string? Apply(string key, JsonNode? value)
    {
        lock (_lock)
        {
            if (key.StartsWith(ConnectorPrefix, StringComparison.Ordinal))
            {
                var name = key[ConnectorPrefix.Length..];
                if (value is null)
                {
                    _configs.Remove(name);
                    _targets.Remove(name);
                    _tasks.Remove(name);
                }
                else
                {
                    _configs[name] = ReadProperties(value);
                }

                return name;
            }

            if (key.StartsWith(TargetStatePrefix, StringComparison.Ordinal))
            {
                var name = key[TargetStatePrefix.Length..];
                var state = (value?["state.v2"] ?? value?["state"])?.ToString();
                if (value is not null && Enum.TryParse<TargetState>(state, ignoreCase: true, out var target))
                {
                    _targets[name] = target;
                }

                return name;
            }

            if (key.StartsWith(TaskPrefix, StringComparison.Ordinal) && key.LastIndexOf('-') is var dash && dash > TaskPrefix.Length
                && int.TryParse(key[(dash + 1)..], out var task))
            {
                var name = key[TaskPrefix.Length..dash];
                (_pendingTasks.TryGetValue(name, out var pending) ? pending : _pendingTasks[name] = new())[task] = ReadProperties(value);
                return null;
            }

            if (key.StartsWith(CommitPrefix, StringComparison.Ordinal) && value?["tasks"]?.GetValue<int>() is { } count)
            {
                var name = key[CommitPrefix.Length..];
                var pending = _pendingTasks.GetValueOrDefault(name) ?? new();
                _tasks[name] = Enumerable.Range(0, count).Select(i => pending.GetValueOrDefault(i) ?? new Dictionary<string, string>()).ToList();
                _pendingTasks.Remove(name);
                return name;
            }

            return null;
        }
    }
}
