using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Model;

namespace ActorConnect.Cluster.Storage;

/// <summary>
/// Connector and task statuses in a compacted topic (<c>status.storage.topic</c>, default <c>connect-status</c>), in
/// Kafka Connect's layout: <c>status-connector-{name}</c> and <c>status-task-{name}-{n}</c> with
/// <c>{"state","trace","worker_id","generation"}</c>, plus our additive <c>restart_count</c>, <c>last_failure</c> and
/// <c>last_error</c>. Every worker reads the topic, so every worker answers a status query the same way. A record
/// with an older generation than the one held is ignored (a zombie instance's late write).
/// </summary>
public sealed class KafkaStatusBackingStore : IDisposable
{
    private readonly KafkaBasedLog _log;
    private readonly object _lock = new();
    private readonly Dictionary<string, StatusRecord> _records = new(StringComparer.Ordinal);

    public KafkaStatusBackingStore(KafkaLogSettings settings) => _log = new KafkaBasedLog(settings, OnRecord);

    /// <summary>Reads the topic to its end; call before the first read.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _log.StartAsync(cancellationToken);

    /// <summary>Returns once every status written by any worker before the call is in this store.</summary>
    public Task ReadToEndAsync(CancellationToken cancellationToken = default) => _log.ReadToEndAsync(cancellationToken);

    /// <summary>Writes a status; returns once the brokers have it.</summary>
    public Task PutAsync(StatusRecord status)
    {
        var value = new JsonObject
        {
            ["state"] = status.State.ToString().ToUpperInvariant(),
            ["trace"] = status.Trace,
            ["worker_id"] = status.WorkerId,
            ["generation"] = status.Generation,
            ["restart_count"] = status.RestartCount,
            ["last_failure"] = status.LastFailure?.ToUnixTimeMilliseconds(),
            ["last_error"] = status.LastError,
        };
        Apply(status);
        return _log.SendAsync(Encoding.UTF8.GetBytes(status.Key), Encoding.UTF8.GetBytes(value.ToJsonString()));
    }

    /// <summary>Forgets a connector's statuses (tombstones for the connector and each of its tasks).</summary>
    public Task DeleteAsync(string connector)
    {
        List<string> keys;
        lock (_lock)
        {
            keys = _records.Values.Where(r => r.Connector == connector).Select(r => r.Key).ToList();
            foreach (var key in keys)
            {
                _records.Remove(key);
            }
        }

        return Task.WhenAll(keys.Select(k => _log.SendAsync(Encoding.UTF8.GetBytes(k), null)));
    }

    /// <summary>Forgets one task's status: the connector now has fewer tasks.</summary>
    public Task DeleteTaskAsync(string connector, int task)
    {
        var key = new StatusRecord(connector, task, ConnectState.Unassigned, string.Empty, 0).Key;
        lock (_lock)
        {
            _records.Remove(key);
        }

        return _log.SendAsync(Encoding.UTF8.GetBytes(key), null);
    }

    /// <summary>The connector's own status, or null if none was written.</summary>
    public StatusRecord? Connector(string connector)
    {
        lock (_lock)
        {
            return _records.GetValueOrDefault($"status-connector-{connector}");
        }
    }

    /// <summary>The statuses of the connector's tasks, by task number.</summary>
    public IReadOnlyList<StatusRecord> Tasks(string connector)
    {
        lock (_lock)
        {
            return _records.Values.Where(r => r.Connector == connector && r.Task is not null).OrderBy(r => r.Task).ToList();
        }
    }

    public void Dispose() => _log.Dispose();

    private void OnRecord(Confluent.Kafka.ConsumeResult<byte[], byte[]?> record)
    {
        var key = Encoding.UTF8.GetString(record.Message.Key);
        if (record.Message.Value is null)
        {
            lock (_lock)
            {
                _records.Remove(key);
            }

            return;
        }

        try
        {
            if (Parse(key, JsonNode.Parse(record.Message.Value)) is { } status)
            {
                Apply(status);
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            // A record this version cannot read (written by hand, or by a newer version) is skipped, not fatal.
        }
    }

    private void Apply(StatusRecord status)
    {
        lock (_lock)
        {
            if (_records.TryGetValue(status.Key, out var held) && held.Generation > status.Generation)
            {
                return;
            }

            _records[status.Key] = status;
        }
    }

    private static StatusRecord? Parse(string key, JsonNode? value)
    {
        string connector;
        int? task = null;
        if (key.StartsWith("status-connector-", StringComparison.Ordinal))
        {
            connector = key["status-connector-".Length..];
        }
        else if (key.StartsWith("status-task-", StringComparison.Ordinal) && key.LastIndexOf('-') is var dash && dash > "status-task-".Length
                 && int.TryParse(key[(dash + 1)..], out var n))
        {
            connector = key["status-task-".Length..dash];
            task = n;
        }
        else
        {
            return null;
        }

        if (value is null || !Enum.TryParse<ConnectState>(value["state"]?.GetValue<string>(), ignoreCase: true, out var state))
        {
            return null;
        }

        return new StatusRecord(
            connector,
            task,
            state,
            value["worker_id"]?.GetValue<string>() ?? string.Empty,
            value["generation"]?.GetValue<long>() ?? 0,
            value["trace"]?.GetValue<string>(),
            value["restart_count"]?.GetValue<int>() ?? 0,
            value["last_failure"]?.GetValue<long>() is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            value["last_error"]?.GetValue<string>());
    }
}
