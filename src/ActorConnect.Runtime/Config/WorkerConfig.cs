using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config;

/// <summary>
/// The worker's configuration (worker.properties), with Kafka Connect's keys and defaults. Unknown keys are kept
/// (Kafka Connect accepts them); a wrong value fails at start with the key and the fix in the message.
/// </summary>
public sealed class WorkerConfig
{
    public const string BootstrapServers = "bootstrap.servers";
    public const string KeyConverter = "key.converter";
    public const string ValueConverter = "value.converter";
    public const string HeaderConverter = "header.converter";
    public const string OffsetFlushIntervalMs = "offset.flush.interval.ms";
    public const string OffsetFlushTimeoutMs = "offset.flush.timeout.ms";
    public const string TaskShutdownGracefulTimeoutMs = "task.shutdown.graceful.timeout.ms";
    public const string OffsetStorageFileFilename = "offset.storage.file.filename";
    public const string ConfigStorageFileFilename = "config.storage.file.filename";
    public const string TopicTrackingEnable = "topic.tracking.enable";
    public const string TracingExporter = "tracing.exporter";
    public const string TracingOtlpEndpoint = "tracing.otlp.endpoint";
    public const string TopicTrackingAllowReset = "topic.tracking.allow.reset";
    public const string PluginPath = "plugin.path";
    public const string Listeners = "listeners";

    /// <summary>
    /// The REST API on loopback only: unlike Kafka Connect's <c>http://:8083</c>, a worker is not open to the network
    /// until its configuration says so (workers never call each other's REST API, so a cluster does not need it).
    /// </summary>
    public const string DefaultListeners = "http://127.0.0.1:8083";
    public const string ApiVersionRequest = "api.version.request";
    public const string BrokerVersionFallback = "broker.version.fallback";
    public const string ProducerPrefix = "producer.";
    public const string ConsumerPrefix = "consumer.";

    /// <summary>The definition of every worker key this runtime reads; also what the docs list.</summary>
    public static readonly ConfigDef Definition = new ConfigDef()
        .Define(BootstrapServers, ConfigType.List, "localhost:9092", Importance.High,
            "Kafka brokers to bootstrap from (host:port, comma-separated).", group: "Common")
        .DefineRequired(KeyConverter, ConfigType.Class, Importance.High,
            "Converter for record keys, for example org.apache.kafka.connect.storage.StringConverter or org.apache.kafka.connect.json.JsonConverter.", group: "Common")
        .DefineRequired(ValueConverter, ConfigType.Class, Importance.High,
            "Converter for record values, for example org.apache.kafka.connect.json.JsonConverter.", group: "Common")
        .Define(HeaderConverter, ConfigType.Class, "org.apache.kafka.connect.storage.SimpleHeaderConverter", Importance.Low,
            "Converter for record headers.", group: "Common")
        .Define(OffsetFlushIntervalMs, ConfigType.Long, 60000L, Importance.Low,
            "How often source offsets are stored and sink offsets committed (ms).", ConfigValidators.AtLeast(1), group: "Common")
        .Define(OffsetFlushTimeoutMs, ConfigType.Long, 5000L, Importance.Low,
            "How long a flush may wait for outstanding records to be acknowledged before it gives up and retries later (ms).", ConfigValidators.AtLeast(0), group: "Common")
        .Define(TaskShutdownGracefulTimeoutMs, ConfigType.Long, 5000L, Importance.Low,
            "How long a task may take to stop cleanly before it is abandoned (ms).", ConfigValidators.AtLeast(0), group: "Common")
        .Define(OffsetStorageFileFilename, ConfigType.String, null, Importance.High,
            "Standalone mode: the file source offsets are stored in. Required in standalone mode.", group: "Standalone")
        .Define(ConfigStorageFileFilename, ConfigType.String, null, Importance.Medium,
            "Standalone mode: the file connector configs and target states are kept in, so connectors created over REST come back " +
            "after a restart. Default: the offsets file's name with .connectors.json appended.", group: "Standalone")
        .Define(TopicTrackingEnable, ConfigType.Boolean, true, Importance.Low,
            "Whether connectors' active topics are tracked (GET /connectors/{name}/topics).", group: "Common")
        .Define(TopicTrackingAllowReset, ConfigType.Boolean, true, Importance.Low,
            "Whether a connector's active topics may be reset (PUT /connectors/{name}/topics/reset).", group: "Common")
        .Define(TracingExporter, ConfigType.String, "none", Importance.Low,
            "OpenTelemetry traces of the tasks' poll, put and offset-commit batches: none (off), console (to standard output), " +
            "or otlp (to tracing.otlp.endpoint).", ConfigValidators.ValidString("none", "console", "otlp"), group: "Common")
        .Define(TracingOtlpEndpoint, ConfigType.String, "http://localhost:4317", Importance.Low,
            "Where traces go when tracing.exporter=otlp (OTLP over gRPC).", group: "Common")
        .Define(PluginPath, ConfigType.List, "", Importance.Low,
            "Folders holding connector plugins: each sub-folder (or the folder itself) holding assemblies is loaded in its own load context.", group: "Common")
        .Define(Listeners, ConfigType.List, DefaultListeners, Importance.Low,
            "REST listeners, http://host:port or https://host:port. The default serves this machine only.", group: "Common")
        .Define(ApiVersionRequest, ConfigType.Boolean, true, Importance.Low,
            "librdkafka's name. true: the worker asks the broker which features it has. false: it takes broker.version.fallback " +
            "on trust, for brokers older than 0.10, which do not know that question (and on 0.9 asking it can stall other " +
            "clients of the same broker for up to a minute).", group: "Common")
        .Define(BrokerVersionFallback, ConfigType.String, "0.10.0", Importance.Low,
            "librdkafka's name. The broker version assumed when api.version.request=false, for example 0.9.0.1.",
            ConfigValidators.Lambda(v => v is string s && Version.TryParse(s, out _) ? null : "Expected a version such as 0.9.0.1", "a version such as 0.9.0.1"),
            group: "Common")
        .Define(ClientConfigOverridePolicy.Key, ConfigType.String, ClientConfigOverridePolicy.Default.Name, Importance.Medium,
            "Which Kafka client settings a connector may override with producer.override.*, consumer.override.* and admin.override.* " +
            "keys (KIP-458): None (no override), Principal (only sasl.jaas.config, sasl.mechanism and security.protocol) or All " +
            "(any). A connector config with a key the policy refuses is refused at validation and creation, naming the key.",
            ConfigValidators.Lambda(v => ClientConfigOverridePolicy.TryParse(v as string) is null
                ? $"Expected {ClientConfigOverridePolicy.AcceptedValues}"
                : null, "None, Principal or All"),
            group: "Common");

    private readonly ParsedConfig _parsed;

    private WorkerConfig(ParsedConfig parsed) => _parsed = parsed;

    /// <summary>Parses worker properties, throwing <see cref="ConfigException"/> that names every bad key.</summary>
    public static WorkerConfig Parse(IReadOnlyDictionary<string, string> props) => new(Definition.Parse(props));

    /// <summary>Parses and checks the keys standalone mode needs.</summary>
    public static WorkerConfig ParseStandalone(IReadOnlyDictionary<string, string> props)
    {
        var config = Parse(props);
        if (string.IsNullOrWhiteSpace(config.OffsetStorageFile))
        {
            throw new ConfigException($"Missing required configuration \"{OffsetStorageFileFilename}\" which has no default value. " +
                                      "Standalone mode stores source offsets in this file: set it in the worker properties, for example offset.storage.file.filename=/tmp/connect.offsets");
        }

        return config;
    }

    public IReadOnlyDictionary<string, string> Originals => _parsed.Originals;

    public string BootstrapServersValue => string.Join(",", _parsed.GetList(BootstrapServers));

    public TimeSpan OffsetFlushInterval => TimeSpan.FromMilliseconds(_parsed.GetLong(OffsetFlushIntervalMs));

    public TimeSpan OffsetFlushTimeout => TimeSpan.FromMilliseconds(_parsed.GetLong(OffsetFlushTimeoutMs));

    public TimeSpan TaskShutdownTimeout => TimeSpan.FromMilliseconds(_parsed.GetLong(TaskShutdownGracefulTimeoutMs));

    public string? OffsetStorageFile => _parsed.GetString(OffsetStorageFileFilename);

    public IReadOnlyList<string> PluginPaths => _parsed.GetList(PluginPath);

    /// <summary>Where standalone mode keeps connector configs: the key, else beside the offsets file.</summary>
    public string? ConfigStorageFile => _parsed.GetString(ConfigStorageFileFilename) is { Length: > 0 } file
        ? file
        : OffsetStorageFile is { Length: > 0 } offsets ? offsets + ".connectors.json" : null;

    public bool TopicTracking => _parsed.GetBoolean(TopicTrackingEnable);

    /// <summary>none, console or otlp.</summary>
    public string Tracing => _parsed.GetString(TracingExporter) ?? "none";

    public string TracingEndpoint => _parsed.GetString(TracingOtlpEndpoint) ?? "http://localhost:4317";

    public bool TopicTrackingReset => _parsed.GetBoolean(TopicTrackingAllowReset);

    /// <summary>
    /// The broker's features when the configuration states them (api.version.request=false), so the worker need not
    /// ask; null when it should probe.
    /// </summary>
    public Kafka.BrokerFeatures? DeclaredBrokerFeatures =>
        _parsed.GetBoolean(ApiVersionRequest)
            ? null
            : Version.Parse(_parsed.GetString(BrokerVersionFallback)!) < new Version(0, 10)
                ? Kafka.BrokerFeatures.Legacy
                : Kafka.BrokerFeatures.Modern;

    /// <summary>Which client settings connectors may override (<c>connector.client.config.override.policy</c>).</summary>
    public ClientConfigOverridePolicy ClientConfigOverridePolicy =>
        ClientConfigOverridePolicy.TryParse(_parsed.GetString(ClientConfigOverridePolicy.Key))!;
}
