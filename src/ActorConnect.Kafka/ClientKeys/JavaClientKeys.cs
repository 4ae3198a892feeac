using System.Globalization;
using ActorConnect.Api.Errors;

namespace ActorConnect.Kafka.ClientKeys;

/// <summary>
/// The Java client keys Kafka Connect users put in worker and connector files (other than security keys, see
/// <see cref="KafkaSecurity"/>), with librdkafka's equivalent: renamed, converted, or none (then the key is reported to
/// the caller once and left out, so it never fails a task). A key that is not a Java client key passes through
/// unchanged: it is taken as librdkafka's own name, and librdkafka judges it when the client is built.
/// </summary>
/// <remarks>The table under "Other Java client keys" in docs/security.md is this table in prose; change both together.</remarks>
public static class JavaClientKeys
{
    private enum Kind
    {
        Int,
        Bool,
        Text,
    }

    /// <summary>How one Java key maps: to a librdkafka key (null: no equivalent, with the reason) and how its value converts.</summary>
    private sealed record Mapping(string? Target, Kind Type, Func<string, string>? Convert = null, string? Why = null, ClientKind[]? Only = null);

    private static readonly ClientKind[] ProducerOnly = [ClientKind.Producer];
    private static readonly ClientKind[] ConsumerOnly = [ClientKind.Consumer];

    private static Mapping Same(string key, Kind type = Kind.Int, ClientKind[]? only = null) => new(key, type, Only: only);

    private static Mapping None(string why) => new(null, Kind.Text, Why: why);

    private static readonly Dictionary<string, Mapping> Table = new(StringComparer.Ordinal)
    {
        // Common to every client.
        ["client.id"] = Same("client.id", Kind.Text),
        ["client.rack"] = Same("client.rack", Kind.Text),
        ["metadata.max.age.ms"] = Same("metadata.max.age.ms"),
        ["reconnect.backoff.ms"] = Same("reconnect.backoff.ms"),
        ["reconnect.backoff.max.ms"] = Same("reconnect.backoff.max.ms"),
        ["retry.backoff.ms"] = Same("retry.backoff.ms"),
        ["retry.backoff.max.ms"] = Same("retry.backoff.max.ms"),
        ["connections.max.idle.ms"] = Same("connections.max.idle.ms"),
        ["socket.connection.setup.timeout.ms"] = Same("socket.connection.setup.timeout.ms"),
        ["socket.connection.setup.timeout.max.ms"] = None("librdkafka has one connection setup timeout (socket.connection.setup.timeout.ms)"),
        ["send.buffer.bytes"] = new("socket.send.buffer.bytes", Kind.Int, v => v == "-1" ? "0" : v),
        ["receive.buffer.bytes"] = new("socket.receive.buffer.bytes", Kind.Int, v => v == "-1" ? "0" : v),
        ["request.timeout.ms"] = new("socket.timeout.ms", Kind.Int),
        ["default.api.timeout.ms"] = None("librdkafka's calls take their own timeouts"),
        ["metric.reporters"] = None("ActorConnect's metrics are at GET /metrics (Prometheus)"),
        ["metrics.num.samples"] = None("ActorConnect's metrics are at GET /metrics (Prometheus)"),
        ["metrics.sample.window.ms"] = None("ActorConnect's metrics are at GET /metrics (Prometheus)"),
        ["metrics.recording.level"] = None("ActorConnect's metrics are at GET /metrics (Prometheus)"),
        ["interceptor.classes"] = None("Java interceptors cannot run in .NET"),
        ["client.dns.lookup"] = Same("client.dns.lookup", Kind.Text),
        ["auto.include.jmx.reporter"] = None("there is no JMX in .NET"),
        ["enable.metrics.push"] = None("ActorConnect's metrics are at GET /metrics (Prometheus)"),

        // Producer.
        ["acks"] = new("acks", Kind.Text, Only: ProducerOnly),
        ["linger.ms"] = Same("linger.ms", only: ProducerOnly),
        ["batch.size"] = Same("batch.size", only: ProducerOnly),
        ["compression.type"] = new("compression.type", Kind.Text, Only: ProducerOnly),
        ["max.request.size"] = Same("message.max.bytes", only: ProducerOnly),
        ["buffer.memory"] = new("queue.buffering.max.kbytes", Kind.Int,
            v => Math.Max(1, long.Parse(v, CultureInfo.InvariantCulture) / 1024).ToString(CultureInfo.InvariantCulture), Only: ProducerOnly),
        ["retries"] = Same("message.send.max.retries", only: ProducerOnly),
        ["delivery.timeout.ms"] = Same("message.timeout.ms", only: ProducerOnly),
        ["max.in.flight.requests.per.connection"] = Same("max.in.flight"),
        ["enable.idempotence"] = Same("enable.idempotence", Kind.Bool, ProducerOnly),
        ["max.block.ms"] = None("librdkafka never blocks a send; the task's in-flight bound applies back-pressure instead"),
        ["key.serializer"] = None("records are serialized by the connector's converters"),
        ["value.serializer"] = None("records are serialized by the connector's converters"),
        ["partitioner.class"] = None("librdkafka partitions with murmur2_random, as Java's default partitioner; set librdkafka's partitioner to change it"),
        ["partitioner.ignore.keys"] = None("librdkafka's partitioner key chooses the partitioner"),
        ["transaction.timeout.ms"] = Same("transaction.timeout.ms", only: ProducerOnly),
        ["transactional.id"] = None("ActorConnect does not run transactional (exactly-once) source tasks"),

        // Consumer.
        ["group.instance.id"] = Same("group.instance.id", Kind.Text, ConsumerOnly),
        ["fetch.min.bytes"] = Same("fetch.min.bytes", only: ConsumerOnly),
        ["fetch.max.bytes"] = Same("fetch.max.bytes", only: ConsumerOnly),
        ["fetch.max.wait.ms"] = Same("fetch.wait.max.ms", only: ConsumerOnly),
        ["max.partition.fetch.bytes"] = Same("max.partition.fetch.bytes", only: ConsumerOnly),
        ["session.timeout.ms"] = Same("session.timeout.ms", only: ConsumerOnly),
        ["heartbeat.interval.ms"] = Same("heartbeat.interval.ms", only: ConsumerOnly),
        ["max.poll.interval.ms"] = Same("max.poll.interval.ms", only: ConsumerOnly),
        ["isolation.level"] = new("isolation.level", Kind.Text, Only: ConsumerOnly),
        ["auto.offset.reset"] = new("auto.offset.reset", Kind.Text, v => v.Equals("none", StringComparison.OrdinalIgnoreCase) ? "error" : v, Only: ConsumerOnly),
        ["check.crcs"] = Same("check.crcs", Kind.Bool, ConsumerOnly),
        ["allow.auto.create.topics"] = Same("allow.auto.create.topics", Kind.Bool, ConsumerOnly),
        ["partition.assignment.strategy"] = new("partition.assignment.strategy", Kind.Text, AssignmentStrategies, Only: ConsumerOnly),
        ["group.protocol"] = new("group.protocol", Kind.Text, Only: ConsumerOnly),
        ["max.poll.records"] = None("a sink task gets batches of at most actorconnect.sink.max-batch-records records (HOCON, default 2048)"),
        ["enable.auto.commit"] = None("the runtime commits a sink's offsets itself after the task flushed (offset.flush.interval.ms)"),
        ["auto.commit.interval.ms"] = None("the runtime commits a sink's offsets itself (offset.flush.interval.ms)"),
        ["key.deserializer"] = None("records are deserialized by the connector's converters"),
        ["value.deserializer"] = None("records are deserialized by the connector's converters"),
        ["exclude.internal.topics"] = None("librdkafka never subscribes internal topics by pattern"),
    };

    /// <summary>
    /// Translates <paramref name="props"/> (Java or librdkafka names, prefix removed; security keys already taken out)
    /// for a client of <paramref name="kind"/>.
    /// </summary>
    /// <param name="props">The keys.</param>
    /// <param name="kind">Which client they are for.</param>
    /// <param name="prefix">The prefix they had (<c>producer.</c>, <c>consumer.override.</c>, empty), named in messages.</param>
    /// <param name="unsupported">Told of each Java key left out, with the reason.</param>
    /// <exception cref="ConfigException">A value of a known key is malformed; the message names the key as written.</exception>
    public static Dictionary<string, string> Translate(IReadOnlyDictionary<string, string> props, ClientKind kind, string prefix, Action<string, string> unsupported)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, raw) in props)
        {
            if (!Table.TryGetValue(key, out var mapping))
            {
                result[key] = raw;
                continue;
            }

            if (mapping.Target is null)
            {
                unsupported(prefix + key, mapping.Why!);
                continue;
            }

            if (mapping.Only is { } only && !only.Contains(kind))
            {
                continue; // Java's clients ignore another kind's keys too (a worker's top-level keys reach every client).
            }

            var value = raw.Trim();
            var error = mapping.Type switch
            {
                Kind.Int when !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => "expected a whole number",
                Kind.Bool when !bool.TryParse(value, out _) => "expected true or false",
                _ => null,
            };
            if (error is not null)
            {
                throw new ConfigException(prefix + key, raw, error);
            }

            result[mapping.Target] = mapping.Convert is null ? value : mapping.Convert(value);
        }

        return result;
    }

    /// <summary>Every Java client key this table knows (mapped or not).</summary>
    public static IEnumerable<string> Keys => Table.Keys;

    /// <summary>True when <paramref name="key"/> is a Java client key this table knows (mapped or not).</summary>
    public static bool IsJavaClientKey(string key) => Table.ContainsKey(key);

    /// <summary>Java assignor class names to librdkafka's strategy names.</summary>
    private static string AssignmentStrategies(string value) => string.Join(",", value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(name => name[(name.LastIndexOf('.') + 1)..] switch
        {
            "RangeAssignor" or "range" => "range",
            "RoundRobinAssignor" or "roundrobin" => "roundrobin",
            "CooperativeStickyAssignor" or "StickyAssignor" or "cooperative-sticky" => "cooperative-sticky",
            var other => throw new ConfigException("partition.assignment.strategy", value,
                $"{other} has no librdkafka equivalent; use RangeAssignor, RoundRobinAssignor or CooperativeStickyAssignor"),
        }));
}
