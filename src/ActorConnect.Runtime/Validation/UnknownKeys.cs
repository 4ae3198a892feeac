using ActorConnect.Kafka.ClientKeys;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Runtime.Validation;

/// <summary>
/// Finds the keys of a config that nothing reads, the typos Kafka Connect silently ignores (<c>tasks.maxx</c>), each
/// with the known key it is nearest to. A key under a prefix is checked against what the prefix configures: client
/// keys (Java's and librdkafka's) under <c>producer.override.</c> and the like, the converter's own keys under
/// <c>value.converter.</c> and the like, the transformation's or predicate's own keys under
/// <c>transforms.&lt;alias&gt;.</c> and <c>predicates.&lt;alias&gt;.</c>. The keys stay accepted: this only warns.
/// </summary>
public static class UnknownKeys
{
    private static readonly string[] ClientOverridePrefixes = ["producer.override.", "consumer.override.", "admin.override."];
    private static readonly string[] WorkerClientPrefixes = [WorkerConfig.ProducerPrefix, WorkerConfig.ConsumerPrefix, "admin."];
    private static readonly string[] ConverterKeys = [ConnectorConfig.KeyConverter, ConnectorConfig.ValueConverter, ConnectorConfig.HeaderConverter];

    // Kafka Connect keys read by parts that judge them themselves: topic creation settings for source connectors
    // (KIP-158, groups named freely), and the worker's admin REST listeners, which configure no admin client.
    private static readonly string[] OpenPrefixes = ["topic.creation."];
    private static readonly string[] WorkerOpenKeys = ["admin.listeners"];

    // Kafka Connect's own worker keys (WorkerConfig, DistributedConfig, StandaloneConfig): a worker file written for
    // Kafka Connect has them, read here or not, and none of them may be taken for a typo of another.
    private static readonly string[] KafkaConnectWorkerKeys =
    [
        "bootstrap.servers", "client.dns.lookup", "key.converter", "value.converter", "header.converter", "task.shutdown.graceful.timeout.ms",
        "offset.flush.interval.ms", "offset.flush.timeout.ms", "listeners", "rest.advertised.host.name", "rest.advertised.port",
        "rest.advertised.listener", "access.control.allow.origin", "access.control.allow.methods", "admin.listeners", "plugin.path",
        "plugin.discovery", "config.providers", "rest.extension.classes", "connector.client.config.override.policy", "metrics.sample.window.ms",
        "metrics.num.samples", "metrics.recording.level", "metric.reporters", "auto.include.jmx.reporter", "topic.tracking.enable",
        "topic.tracking.allow.reset", "topic.creation.enable", "response.http.headers.config", "offset.storage.file.filename",
        "group.id", "session.timeout.ms", "heartbeat.interval.ms", "rebalance.timeout.ms", "worker.sync.timeout.ms", "worker.unsync.backoff.ms",
        "offset.storage.topic", "offset.storage.partitions", "offset.storage.replication.factor", "config.storage.topic",
        "config.storage.replication.factor", "status.storage.topic", "status.storage.partitions", "status.storage.replication.factor",
        "connect.protocol", "scheduled.rebalance.max.delay.ms", "inter.worker.key.generation.algorithm", "inter.worker.key.size",
        "inter.worker.key.ttl.ms", "inter.worker.signature.algorithm", "inter.worker.verification.algorithms", "exactly.once.source.support",
    ];

    // Worker keys under these prefixes are named freely (a provider's name, a listener's name).
    private static readonly string[] WorkerFreePrefixes = ["config.providers.", "listeners."];

    /// <summary>
    /// The unknown keys of a connector config, given every key its definition has (the common keys, the connector's
    /// own, and those its transformations and predicates bring, as <see cref="ConnectorConfigValidator"/> lists them).
    /// </summary>
    public static IReadOnlyList<UnknownKey> InConnector(IReadOnlyDictionary<string, string> config, IEnumerable<string> defined, PluginRegistry plugins)
    {
        var known = defined.ToHashSet(StringComparer.Ordinal);
        var result = new List<UnknownKey>();
        foreach (var key in config.Keys.Where(k => !known.Contains(k) && !OpenPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).Order(StringComparer.Ordinal))
        {
            var unknown = PrefixOf(key, ClientOverridePrefixes) is { } client ? ClientKey(key, client)
                : PrefixOf(key, ConverterKeys.Select(k => k + ".")) is { } converter ? ConverterKey(key, converter, config, plugins)
                : AliasKey(key, config, known, plugins, out var handled) is var alias && handled ? alias
                : PlainKey(key, known);
            if (unknown is not null)
            {
                result.Add(unknown);
            }
        }

        return result;
    }

    /// <summary>
    /// The unknown keys of a worker config: those it gives its Kafka clients (<c>producer.</c>, <c>consumer.</c>,
    /// <c>admin.</c>) and its converters (<c>key.converter.</c>, ...), and its top-level keys. These are read by several
    /// parts (REST, cluster, clients, config providers; <paramref name="otherKnown"/> are the keys of the parts outside
    /// the runtime), and a Kafka Connect worker file may hold keys only Kafka reads, so a top-level key is warned only
    /// as a near miss of a known one (<c>bootstrap.server</c>), never merely for being unknown.
    /// </summary>
    public static IReadOnlyList<UnknownKey> InWorker(IReadOnlyDictionary<string, string> props, PluginRegistry plugins, IEnumerable<string>? otherKnown = null)
    {
        var topLevel = new Lazy<HashSet<string>>(() => WorkerConfig.Definition.Keys.Select(k => k.Name).Concat(KafkaConnectWorkerKeys).Concat(ClientKeyNames.All)
            .Concat(otherKnown ?? []).ToHashSet(StringComparer.Ordinal));
        var result = new List<UnknownKey>();
        foreach (var key in props.Keys.Where(k => WorkerConfig.Definition[k] is null).Order(StringComparer.Ordinal))
        {
            if (WorkerOpenKeys.Any(k => key == k || key.StartsWith(k + ".", StringComparison.Ordinal)))
            {
                continue;
            }

            var unknown = PrefixOf(key, WorkerClientPrefixes) is { } client ? ClientKey(key, client)
                : PrefixOf(key, ConverterKeys.Select(k => k + ".")) is { } converter ? ConverterKey(key, converter, props, plugins)
                : PrefixOf(key, WorkerFreePrefixes) is not null || topLevel.Value.Contains(key) ? null
                : Nearest(key, topLevel.Value) is { } near ? new UnknownKey(key, near)
                : null;
            if (unknown is not null)
            {
                result.Add(unknown);
            }
        }

        return result;
    }

    private static string? PrefixOf(string key, IEnumerable<string> prefixes) =>
        prefixes.FirstOrDefault(p => key.StartsWith(p, StringComparison.Ordinal) && key.Length > p.Length);

    private static UnknownKey? ClientKey(string key, string prefix)
    {
        var setting = key[prefix.Length..];
        return ClientKeyNames.IsKnown(setting)
            ? null
            : new UnknownKey(key, Nearest(setting, ClientKeyNames.All) is { } near ? prefix + near : null, "not a Kafka client setting (Java's or librdkafka's)");
    }

    /// <summary>
    /// A converter key, against the keys of the converter the config names (any bundled converter's when it names
    /// none or one from elsewhere). Warned only as a near miss of a known key: converters take aliases and keys of
    /// their own beyond their definition, so a key far from every known one may well be meant.
    /// </summary>
    private static UnknownKey? ConverterKey(string key, string prefix, IReadOnlyDictionary<string, string> config, PluginRegistry plugins)
    {
        var converters = config.TryGetValue(prefix[..^1], out var name) && plugins.Find(name, PluginKind.Converter, PluginKind.HeaderConverter) is { } named
            ? [named]
            : plugins.AllPlugins.Where(p => p.Kind is PluginKind.Converter or PluginKind.HeaderConverter);
        var keys = converters.SelectMany(c => c.Config().Keys.Select(k => k.Name)).ToHashSet(StringComparer.Ordinal);
        var setting = key[prefix.Length..];
        return !keys.Contains(setting) && Nearest(setting, keys) is { } near ? new UnknownKey(key, prefix + near) : null;
    }

    /// <summary>
    /// A <c>transforms.&lt;alias&gt;.</c> or <c>predicates.&lt;alias&gt;.</c> key: against the keys of that alias when
    /// it is listed and its type found (an unknown type is already an error), else as a plain key, the alias being
    /// ignored. <paramref name="handled"/> is false for other keys.
    /// </summary>
    private static UnknownKey? AliasKey(string key, IReadOnlyDictionary<string, string> config, HashSet<string> known, PluginRegistry plugins, out bool handled)
    {
        handled = false;
        var (listKey, kind) = key.StartsWith(ConnectorConfig.Transforms + ".", StringComparison.Ordinal) ? (ConnectorConfig.Transforms, PluginKind.Transformation)
            : key.StartsWith(ConnectorConfig.Predicates + ".", StringComparison.Ordinal) ? (ConnectorConfig.Predicates, PluginKind.Predicate)
            : (null, PluginKind.Transformation);
        var dot = listKey is null ? -1 : key.IndexOf('.', listKey.Length + 1);
        if (listKey is null || dot < 0)
        {
            return null;
        }

        handled = true;
        var alias = key[(listKey.Length + 1)..dot];
        var listed = config.GetValueOrDefault(listKey, string.Empty).Split(',', StringSplitOptions.TrimEntries).Contains(alias, StringComparer.Ordinal);
        if (!listed)
        {
            return PlainKey(key, known) is { } plain ? plain with { Reason = $"'{alias}' is not listed in {listKey}" } : null;
        }

        if (!config.TryGetValue($"{listKey}.{alias}.type", out var type) || plugins.Find(type, kind) is null)
        {
            return null;
        }

        var prefix = key[..(dot + 1)];
        return new UnknownKey(key, Nearest(key[prefix.Length..], known.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..])) is { } near ? prefix + near : null,
            $"the {(kind == PluginKind.Transformation ? "transformation" : "predicate")} {type} has no such setting");
    }

    /// <summary>Any other key: against every defined key; a worker key or a client key written without its override prefix is named as such.</summary>
    private static UnknownKey PlainKey(string key, HashSet<string> known)
    {
        if (WorkerConfig.Definition[key] is not null)
        {
            return new UnknownKey(key, null, "it is a worker setting; set it in the worker properties");
        }

        if (PrefixOf(key, WorkerClientPrefixes) is { } client && ClientKeyNames.IsKnown(key[client.Length..]))
        {
            return new UnknownKey(key, $"{client}override.{key[client.Length..]}", "a connector overrides its Kafka clients' settings with *.override.* keys");
        }

        return new UnknownKey(key, Nearest(key, known));
    }

    /// <summary>The candidate nearest to <paramref name="name"/> by edit distance, when close enough to be a plausible typo.</summary>
    private static string? Nearest(string name, IEnumerable<string> candidates)
    {
        var wanted = name.ToLowerInvariant();
        var best = candidates.Select(c => (Key: c, Distance: PluginSuggestions.Distance(wanted, c.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
        // A quarter of the key, at least two edits: "tasks.maxx" is tasks.max, "feild" is field, "file" is not "topic".
        return best.Key is not null && best.Distance <= Math.Max(2, wanted.Length / 4) ? best.Key : null;
    }
}
