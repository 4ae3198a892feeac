using System.Text.RegularExpressions;
using ActorConnect.Api.Connector;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Tasks;
using KafkaTopicPartition = Confluent.Kafka.TopicPartition;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// Reads and changes a connector's offsets for the REST API, as Kafka Connect does: a source's are the maps in the
/// offset store; a sink's are its consumer group's committed offsets, shown as
/// <c>{"kafka_topic","kafka_partition"} -> {"kafka_offset"}</c>. Changes are allowed only while the connector is
/// STOPPED (the worker checks); the connector's own <c>AlterOffsets</c> is called first, so it can refuse.
/// Offsets may quote a value a config provider resolved (a file source's partition is its file name): they are shown
/// with the placeholder, and a placeholder given back in a change stands for its value again.
/// Every method blocks on I/O: the worker runs them off its mailbox.
/// </summary>
internal sealed class ConnectorOffsetsAdmin(TaskServices services, Action<string> log)
{
    private const string KafkaTopic = "kafka_topic";
    private const string KafkaPartition = "kafka_partition";
    private const string KafkaOffset = "kafka_offset";

    /// <summary>Each request to Kafka (<c>actorconnect.worker.offsets-timeout</c>).</summary>
    private TimeSpan Timeout => services.Settings.Worker.Offsets;

    public async Task<IReadOnlyList<ConnectorOffset>> ReadAsync(string name, ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config)
    {
        config = services.Providers.Resolve(config); // the topics, client overrides and connector see what its tasks see
        var secrets = services.Providers.Secrets;
        return (await ReadStoredAsync(name, plugin, config).ConfigureAwait(false))
            .Select(o => new ConnectorOffset(MapStrings(o.Partition, secrets.Redact)!, MapStrings(o.Offset, secrets.Redact))).ToList();
    }

    public async Task<string> AlterAsync(string name, ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config, IReadOnlyList<ConnectorOffset> offsets)
    {
        config = services.Providers.Resolve(config); // the topics, client overrides and connector see what its tasks see
        if (offsets.Count == 0)
        {
            throw new BadRequestException("The offsets to be modified must not be empty: give at least one {\"partition\": {...}, \"offset\": {...}} entry.");
        }

        var secrets = services.Providers.Secrets;
        offsets = offsets.Select(o => new ConnectorOffset(MapStrings(Plain(o.Partition), secrets.Restore)!, MapStrings(Plain(o.Offset), secrets.Restore))).ToList();
        bool handledByConnector;
        if (plugin.IsSource)
        {
            var changes = offsets.Select(o => KeyValuePair.Create(o.Partition, o.Offset)).ToList();
            handledByConnector = AskConnector(name, () => ((SourceConnector)Create(plugin)).AlterOffsets(config, changes.ToDictionary(kv => kv.Key, kv => kv.Value, Storage.SourcePartitionComparer.Instance)));
            services.OffsetStore.Write(name, changes);
        }
        else
        {
            var changes = offsets.Select(ParseSinkOffset).ToList();
            handledByConnector = AskConnector(name, () => ((SinkConnector)Create(plugin)).AlterOffsets(config, changes.ToDictionary(c => new Api.Sink.TopicPartition(c.Key.Topic, c.Key.Partition.Value), c => c.Value)));
            await WithSinkGroupAsync(name, config, "Altering", group =>
            {
                group.Alter(changes);
                LogDegraded(name, group);
                return true;
            }).ConfigureAwait(false);
        }

        return handledByConnector
            ? "The offsets for this connector have been altered successfully"
            : "The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets " +
              "externally, they will need to be manually altered in the system that the connector uses.";
    }

    public async Task<string> ResetAsync(string name, ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config)
    {
        config = services.Providers.Resolve(config); // the topics, client overrides and connector see what its tasks see
        bool handledByConnector;
        if (plugin.IsSource)
        {
            var all = services.OffsetStore.ReadAll(name)
                .Select(o => KeyValuePair.Create(o.Partition, (IReadOnlyDictionary<string, object?>?)null)).ToList();
            handledByConnector = AskConnector(name, () => ((SourceConnector)Create(plugin)).AlterOffsets(config, all.ToDictionary(kv => kv.Key, kv => kv.Value, Storage.SourcePartitionComparer.Instance)));
            services.OffsetStore.Write(name, all);
        }
        else
        {
            handledByConnector = await WithSinkGroupAsync(name, config, "Resetting", group =>
            {
                var committed = group.Committed(NamedTopics(config), TopicFilter(config));
                var handled = AskConnector(name, () => ((SinkConnector)Create(plugin)).AlterOffsets(config, committed.ToDictionary(o => new Api.Sink.TopicPartition(o.Topic, o.Partition.Value), _ => (long?)null)));
                group.Alter(committed.Select(o => KeyValuePair.Create(o.TopicPartition, (long?)null)).ToList());
                LogDegraded(name, group);
                return handled;
            }).ConfigureAwait(false);
        }

        return handledByConnector
            ? "The offsets for this connector have been reset successfully"
            : "The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets " +
              "externally, they will need to be manually reset in the system that the connector uses.";
    }

    private async Task<IReadOnlyList<ConnectorOffset>> ReadStoredAsync(string name, ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config)
    {
        if (plugin.IsSource)
        {
            return services.OffsetStore.ReadAll(name).Select(o => new ConnectorOffset(o.Partition, o.Offset)).ToList();
        }

        return await WithSinkGroupAsync(name, config, "Reading", group => group.Committed(NamedTopics(config), TopicFilter(config))
            .Select(o => new ConnectorOffset(SinkPartition(o.Topic, o.Partition.Value), new Dictionary<string, object?> { [KafkaOffset] = o.Offset.Value }))
            .ToList()).ConfigureAwait(false);
    }

    /// <summary><paramref name="map"/> with <paramref name="change"/> applied to its string values.</summary>
    private static IReadOnlyDictionary<string, object?>? MapStrings(IReadOnlyDictionary<string, object?>? map, Func<string, string> change) =>
        map?.ToDictionary(kv => kv.Key, kv => kv.Value is string s ? change(s) : kv.Value);

    /// <summary>Values parsed from a REST body may still be JSON elements: make them the plain values connectors see.</summary>
    private static IReadOnlyDictionary<string, object?>? Plain(IReadOnlyDictionary<string, object?>? map) =>
        map?.ToDictionary(kv => kv.Key, kv => kv.Value is System.Text.Json.JsonElement e ? Plain(e) : kv.Value);

    private static object? Plain(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => e.GetString(),
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.Number when e.TryGetInt64(out var l) => l,
        System.Text.Json.JsonValueKind.Number => e.GetDouble(),
        System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined => null,
        _ => throw new BadRequestException($"Offset and partition values must be strings, numbers, booleans or null; got {e.GetRawText()}"),
    };

    /// <summary>
    /// Asks the connector to accept an offsets change (its <c>AlterOffsets</c>). A refusal (a ConnectException) is the
    /// request's fault, so it is a 400 naming the connector's reason, where Kafka Connect answers 500; nothing is stored.
    /// </summary>
    private static bool AskConnector(string name, Func<bool> alter)
    {
        try
        {
            return alter();
        }
        catch (Api.Errors.ConnectException e) when (e is not (BadRequestException or ConflictException or Api.Errors.RetriableException))
        {
            throw new BadRequestException($"Connector {name} refused the offsets: {e.Message}");
        }
    }

    private static Connector Create(ConnectorPlugin plugin) => (Connector)Activator.CreateInstance(plugin.Type)!;

    private static Dictionary<string, object?> SinkPartition(string topic, int partition) => new() { [KafkaTopic] = topic, [KafkaPartition] = partition };

    private static Func<string, bool> TopicFilter(IReadOnlyDictionary<string, string> config)
    {
        if (NamedTopics(config) is { } topics)
        {
            return topics.Contains;
        }

        var compiled = new Regex("^(?:" + config[ConnectorConfig.TopicsRegex] + ")$");
        return compiled.IsMatch;
    }

    /// <summary>A sink's <c>topics</c>, or null when it subscribes with <c>topics.regex</c>.</summary>
    private static HashSet<string>? NamedTopics(IReadOnlyDictionary<string, string> config) =>
        config.GetValueOrDefault(ConnectorConfig.TopicsRegex) is { Length: > 0 }
            ? null
            : (config.GetValueOrDefault(ConnectorConfig.Topics) ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private static KeyValuePair<KafkaTopicPartition, long?> ParseSinkOffset(ConnectorOffset o)
    {
        var topic = o.Partition.GetValueOrDefault(KafkaTopic) as string;
        var partition = AsLong(o.Partition.GetValueOrDefault(KafkaPartition));
        if (string.IsNullOrEmpty(topic) || partition is not { } p || p < 0 || p > int.MaxValue)
        {
            throw new BadRequestException(
                $"A sink connector's offset partition must have a string \"{KafkaTopic}\" and a non-negative integer \"{KafkaPartition}\", " +
                $"for example {{\"{KafkaTopic}\": \"orders\", \"{KafkaPartition}\": 0}}; got {Render(o.Partition)}.");
        }

        if (o.Offset is null)
        {
            return KeyValuePair.Create(new KafkaTopicPartition(topic, (int)p), (long?)null);
        }

        if (AsLong(o.Offset.GetValueOrDefault(KafkaOffset)) is not { } offset || offset < 0)
        {
            throw new BadRequestException(
                $"A sink connector's offset must have a non-negative integer \"{KafkaOffset}\", for example {{\"{KafkaOffset}\": 42}}, or be null to reset " +
                $"the partition; got {Render(o.Offset)} for {topic}-{p}.");
        }

        return KeyValuePair.Create(new KafkaTopicPartition(topic, (int)p), (long?)offset);
    }

    private static long? AsLong(object? value) => value switch
    {
        int i => i,
        long l => l,
        double d when d == Math.Floor(d) => (long)d,
        decimal m when m == decimal.Floor(m) => (long)m,
        _ => null,
    };

    private static string Render(IReadOnlyDictionary<string, object?> map) =>
        "{" + string.Join(", ", map.Select(kv => $"\"{kv.Key}\": {kv.Value ?? "null"}")) + "}";

    /// <summary>
    /// Runs <paramref name="action"/> on the sink's consumer group; a broker that is down or answers what the client
    /// cannot read becomes a <see cref="KafkaUnavailableException"/> naming the group and Kafka's own words, not a 500.
    /// </summary>
    private async Task<T> WithSinkGroupAsync<T>(string name, IReadOnlyDictionary<string, string> config, string what, Func<ConsumerGroupOffsets, T> action)
    {
        var features = await services.Broker.GetAsync(Timeout).ConfigureAwait(false);
        var settings = services.SinkConsumerSettings(name, config, features);
        try
        {
            using var group = new ConsumerGroupOffsets(settings, Timeout);
            return action(group);
        }
        catch (Confluent.Kafka.KafkaException e)
        {
            throw new KafkaUnavailableException(
                $"{what} the offsets of connector {name} in its consumer group {settings.GroupId} failed: Kafka answered \"{e.Error.Reason}\" ({e.Error.Code}). " +
                "Check that the brokers in bootstrap.servers are up and reachable (the worker's log has the Kafka client's details), then try again.", e);
        }
    }

    private void LogDegraded(string name, ConsumerGroupOffsets group)
    {
        if (group.Degraded is { } note)
        {
            log($"Connector {name}: {note}");
        }
    }
}
