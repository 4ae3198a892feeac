using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// The keys of signals (the signal table, the Kafka and file channels, incremental snapshots) and of notifications
/// (<c>notification.enabled.channels</c>, <c>notification.sink.topic.name</c>), as Debezium's.
/// </summary>
internal sealed partial record PostgresConnectorConfig
{
    public const string SignalDataCollection = "signal.data.collection";
    public const string IncrementalSnapshotChunkSize = "incremental.snapshot.chunk.size";
    public const string SignalEnabledChannels = "signal.enabled.channels";
    public const string SignalPollIntervalMs = "signal.poll.interval.ms";
    public const string SignalKafkaTopic = "signal.kafka.topic";
    public const string SignalKafkaBootstrapServers = "signal.kafka.bootstrap.servers";
    public const string SignalKafkaGroupId = "signal.kafka.groupId";
    public const string SignalKafkaPollTimeoutMs = "signal.kafka.poll.timeout.ms";
    public const string SignalFile = "signal.file";

    /// <summary>The prefix of the keys passed to the Kafka signal channel's consumer (Debezium's), as Java client keys.</summary>
    public const string SignalConsumerPrefix = "signal.consumer.";

    public const string NotificationEnabledChannels = "notification.enabled.channels";
    public const string NotificationSinkTopicName = "notification.sink.topic.name";

    private const string SignalsGroup = "Signals";
    private const string NotificationsGroup = "Notifications";

    /// <summary>The signal table (schema, table), or null when signals are not read.</summary>
    public (string Schema, string Table)? SignalTable { get; init; }

    public int IncrementalChunkSize { get; init; }

    /// <summary>The channels signals are read from: source (the signal table), kafka, file.</summary>
    public IReadOnlySet<string> SignalChannels { get; init; } = new HashSet<string> { "source" };

    /// <summary>How often the file channel is read (ms).</summary>
    public long SignalPollMs { get; init; } = 5000;

    /// <summary>The Kafka signal channel's topic, servers, group and poll timeout, and its consumer's own keys (prefix removed).</summary>
    public string SignalTopic { get; init; } = "";
    public string? SignalServers { get; init; }
    public string SignalGroup { get; init; } = "kafka-signal";
    public int SignalKafkaPollMs { get; init; } = 100;
    public IReadOnlyDictionary<string, string> SignalConsumer { get; init; } = new Dictionary<string, string>();

    /// <summary>The file channel's file.</summary>
    public string? SignalFilePath { get; init; }

    /// <summary>The channels notifications go to: sink (records on <see cref="NotificationTopic"/>), log (a line each at INFO); none by default.</summary>
    public IReadOnlySet<string> NotificationChannels { get; init; } = new HashSet<string>();

    /// <summary>The sink notification channel's topic (notification.sink.topic.name).</summary>
    public string? NotificationTopic { get; init; }

    private static ConfigDef DefineSignals(ConfigDef definition) => definition
        .Define(SignalDataCollection, ConfigType.String, null, Importance.Medium,
            "The signal table, schema.table, with columns id, type, data (as Debezium's): a row of type execute-snapshot with data " +
            "{\"data-collections\": [\"schema.table\"], \"type\": \"incremental\"} starts an incremental snapshot of those tables (\"blocking\": a blocking one; " +
            "additional-conditions and surrogate-key as in Debezium), stop-snapshot stops it; incremental snapshots write their window marks there too.",
            ConfigValidators.Lambda(v => v is null || ParseTable(v as string) is not null ? null : $"'{v}' is not schema.table", "schema.table"), SignalsGroup, "Signal table")
        .Define(IncrementalSnapshotChunkSize, ConfigType.Int, 1024, Importance.Medium,
            "How many rows an incremental snapshot reads at a time (one window), by key order.", ConfigValidators.AtLeast(1), SignalsGroup, "Incremental snapshot chunk size")
        .Define(SignalEnabledChannels, ConfigType.List, "source", Importance.Low,
            "Where signals are read from: source (the signal.data.collection table), kafka (signal.kafka.topic), file (signal.file). " +
            "Incremental snapshots write their window marks to the signal table whichever channel asked for them.",
            ConfigValidators.Lambda(ValidateChannels, "source, kafka, file"), SignalsGroup, "Signal channels")
        .Define(SignalPollIntervalMs, ConfigType.Long, 5000L, Importance.Low, "How often the file channel is read for new signals (ms).",
            ConfigValidators.AtLeast(1), SignalsGroup, "Signal poll interval")
        .Define(SignalKafkaTopic, ConfigType.String, null, Importance.Low,
            "The Kafka signal channel's topic, of one partition; default <topic.prefix>-signal. A signal is a record keyed by topic.prefix whose value is " +
            "{\"type\": \"execute-snapshot\", \"data\": {...}}.", group: SignalsGroup, displayName: "Signal topic")
        .Define(SignalKafkaBootstrapServers, ConfigType.String, null, Importance.Low,
            "host:port,... of the Kafka cluster holding signal.kafka.topic; required with the kafka channel. signal.consumer.* keys go to its consumer.",
            group: SignalsGroup, displayName: "Signal Kafka servers")
        .Define(SignalKafkaGroupId, ConfigType.String, "kafka-signal", Importance.Low,
            "The consumer group whose committed offset says which signals of the topic were read.", ConfigValidators.NonEmptyString(), SignalsGroup, "Signal group id")
        .Define(SignalKafkaPollTimeoutMs, ConfigType.Int, 100, Importance.Low, "How long one poll of the signal topic waits (ms).",
            ConfigValidators.AtLeast(0), SignalsGroup, "Signal Kafka poll timeout")
        .Define(SignalFile, ConfigType.String, null, Importance.Low,
            "The file channel's file: one JSON signal per line, {\"id\": ..., \"type\": ..., \"data\": {...}}; it is emptied once read. Required with the file channel.",
            group: SignalsGroup, displayName: "Signal file")
        .Define(NotificationEnabledChannels, ConfigType.List, "", Importance.Medium,
            "Where notifications of snapshot progress go (Debezium's): sink (records on notification.sink.topic.name, through the converters), " +
            "log (a line each at INFO); empty: none.",
            ConfigValidators.Lambda(ValidateNotificationChannels, "sink, log"), NotificationsGroup, "Notification channels")
        .Define(NotificationSinkTopicName, ConfigType.String, null, Importance.High,
            "The topic of the sink notification channel; required when notification.enabled.channels includes sink.",
            group: NotificationsGroup, displayName: "Notification topic");

    /// <summary><paramref name="config"/> with the signal and notification keys of <paramref name="parsed"/>, checked together.</summary>
    private static PostgresConnectorConfig WithSignals(PostgresConnectorConfig config, ParsedConfig parsed, IReadOnlyDictionary<string, string> props)
    {
        var channels = parsed.GetList(SignalEnabledChannels).Select(c => c.Trim().ToLowerInvariant()).Where(c => c != JmxChannel).ToHashSet();
        if (channels.Contains(Signals.KafkaChannel) && parsed.GetString(SignalKafkaBootstrapServers) is not { Length: > 0 })
        {
            throw new ConfigException(SignalKafkaBootstrapServers, parsed.GetString(SignalKafkaBootstrapServers),
                "signal.enabled.channels includes kafka, which reads signal.kafka.topic from this cluster: set signal.kafka.bootstrap.servers to its host:port,... " +
                "(or leave kafka out of signal.enabled.channels)");
        }

        if (channels.Contains(Signals.FileChannel) && parsed.GetString(SignalFile) is not { Length: > 0 })
        {
            throw new ConfigException(SignalFile, parsed.GetString(SignalFile),
                "signal.enabled.channels includes file: set signal.file to the path of the file signals are written to, one JSON signal per line " +
                "(or leave file out of signal.enabled.channels)");
        }

        var notifications = parsed.GetList(NotificationEnabledChannels).Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0 && c != JmxChannel).ToHashSet();
        if (notifications.Contains(Notifications.SinkChannel) && parsed.GetString(NotificationSinkTopicName) is not { Length: > 0 })
        {
            throw new ConfigException(NotificationSinkTopicName, parsed.GetString(NotificationSinkTopicName),
                "notification.enabled.channels includes sink, which writes notifications as records to a topic: set notification.sink.topic.name to it " +
                "(or leave sink out of notification.enabled.channels)");
        }

        return config with
        {
            SignalTable = ParseTable(parsed.GetString(SignalDataCollection)),
            IncrementalChunkSize = parsed.GetInt(IncrementalSnapshotChunkSize),
            SignalChannels = channels,
            SignalPollMs = parsed.GetLong(SignalPollIntervalMs),
            SignalTopic = parsed.GetString(SignalKafkaTopic) is { Length: > 0 } topic ? topic : parsed.GetString(TopicPrefix) + "-signal",
            SignalServers = parsed.GetString(SignalKafkaBootstrapServers),
            SignalGroup = parsed.GetString(SignalKafkaGroupId)!,
            SignalKafkaPollMs = parsed.GetInt(SignalKafkaPollTimeoutMs),
            SignalConsumer = props.Where(kv => kv.Key.StartsWith(SignalConsumerPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[SignalConsumerPrefix.Length..], kv => kv.Value),
            SignalFilePath = parsed.GetString(SignalFile),
            NotificationChannels = notifications,
            NotificationTopic = parsed.GetString(NotificationSinkTopicName),
        };
    }

    private const string JmxChannel = "jmx";

    /// <summary>
    /// Debezium's JMX channels need a JVM: a config that names them still carries over (as the issue asks of Debezium's
    /// keys), with one warning each, and they are left out.
    /// </summary>
    private static IEnumerable<string> JmxChannelWarnings(IReadOnlyDictionary<string, string> props)
    {
        if (Names(props, SignalEnabledChannels).Contains(JmxChannel))
        {
            yield return $"{SignalEnabledChannels} names jmx, Debezium's JMX channel, which needs a JVM: it is ignored here; signals come from the other channels " +
                "(source: the signal table, kafka: a topic, file: a file).";
        }

        if (Names(props, NotificationEnabledChannels).Contains(JmxChannel))
        {
            yield return $"{NotificationEnabledChannels} names jmx, Debezium's JMX channel, which needs a JVM: it is ignored here; notifications go to the other channels " +
                "(sink: a topic, log: the worker's log).";
        }
    }

    private static HashSet<string> Names(IReadOnlyDictionary<string, string> props, string key) =>
        (props.GetValueOrDefault(key) ?? "").Split(',').Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).ToHashSet();

    private static string? ValidateChannels(object? value)
    {
        var channels = (value as IReadOnlyList<string> ?? []).Select(c => c.Trim().ToLowerInvariant()).ToList();
        // jmx is Debezium's own channel: a Debezium config naming it is accepted, with a warning (JmxChannelWarnings).
        var unknown = channels.FirstOrDefault(c => c is not (Signals.SourceChannel or Signals.KafkaChannel or Signals.FileChannel or JmxChannel));
        return unknown is null ? null : $"'{unknown}' is no signal channel; use source, kafka or file (comma-separated)";
    }

    private static string? ValidateNotificationChannels(object? value)
    {
        var channels = (value as IReadOnlyList<string> ?? []).Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).ToList();
        var unknown = channels.FirstOrDefault(c => c is not (Notifications.SinkChannel or Notifications.LogChannel or JmxChannel));
        return unknown is null ? null : $"'{unknown}' is no notification channel; use sink or log (comma-separated)";
    }
}
