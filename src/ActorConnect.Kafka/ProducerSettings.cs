using Akka.Event;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Immutable settings of <see cref="KafkaProducerFlow"/>.
/// </summary>
/// <remarks>
/// Why these defaults: a source task must never lose a record it handed over, so like Kafka Connect's worker
/// we force <c>acks=all</c>. Unlike Kafka Connect, which turns idempotence off for source producers, we turn it on
/// wherever the broker supports it (<see cref="ActorConnect.Kafka.BrokerFeatures.SupportsIdempotence"/>, Kafka 0.11+): a produce request retried
/// after a timeout or a dropped connection then cannot land twice, so a retry never duplicates a record and the
/// records of a partition stay in order. <c>linger.ms=5</c> batches without adding noticeable latency. Everything in
/// <see cref="Properties"/> (Kafka Connect's <c>producer.*</c> keys, librdkafka names) is applied last and wins.
/// The librdkafka defaults live only here, in <see cref="DefaultProperties"/>; the flow's own (<see cref="MaxInFlight"/>,
/// <see cref="LogRepeatInterval"/>) only in hocon/actorconnect.conf (<see cref="KafkaStageSettings"/>).
/// </remarks>
public sealed record ProducerSettings
{
    /// <summary>
    /// The librdkafka properties we set unless <see cref="Properties"/> says otherwise; <c>enable.idempotence</c> is
    /// added from <see cref="BrokerFeatures"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultProperties { get; } = new Dictionary<string, string>
    {
        ["acks"] = "all",
        ["linger.ms"] = "5",
        // We read only a delivery report's error, partition and offset, which come with every report: "none" also skips
        // the persistence status and timestamp calls into librdkafka, and copying the key, value and headers back.
        ["dotnet.producer.delivery.report.fields"] = "none",
        // Confluent.Kafka's background thread serves delivery reports in polls of this length (100 ms by default): a
        // report ends a poll at once, so only an idle producer's wake-ups and its disposal's wait for the thread follow
        // it. Fifty idle source tasks spent 1.6% of a core on ten wake-ups a second each.
        ["dotnet.cancellation.delay.max.ms"] = "1000",
    };

    /// <summary>Creates settings for the given <c>bootstrap.servers</c> list.</summary>
    public ProducerSettings(string bootstrapServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Kafka's <c>bootstrap.servers</c>; wins over a <c>bootstrap.servers</c> key in <see cref="Properties"/>.</summary>
    public string BootstrapServers { get; init; }

    /// <summary>
    /// At most this many messages are inside the flow between being produced and their result being emitted.
    /// When the bound is reached the flow stops pulling: this is how a slow broker slows the source task down.
    /// With <see cref="KafkaProducerFlow.CreateBatched{TPass}"/> the oldest batch is always produced whole, so a single
    /// batch larger than the bound still goes through.
    /// </summary>
    public int MaxInFlight { get; init; } = KafkaStageSettings.Default.ProducerMaxInFlight;

    /// <summary>How often one repeating cause of the client's warnings and errors is written (the others are counted).</summary>
    public TimeSpan LogRepeatInterval { get; init; } = KafkaStageSettings.Default.LogRepeatInterval;

    /// <summary>librdkafka producer properties, passed verbatim and applied after the defaults.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>What the broker supports; decides the compatibility properties and whether headers survive.</summary>
    public BrokerFeatures BrokerFeatures { get; init; } = BrokerFeatures.Modern;

    /// <summary>
    /// Properties added to every line the flow and its librdkafka client log (Akka's <c>WithContext</c>; structured
    /// loggers such as Akka.Logger.Serilog keep them as fields). Lets whoever runs the flow on behalf of something else,
    /// such as a connector's task, make those lines say so without this assembly knowing about it. Empty by default.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object>> LogContext { get; init; } = [];

    /// <summary>
    /// Wraps the logger the flow and its librdkafka client write to, after <see cref="LogContext"/> is added: lets
    /// whoever runs it filter what its lines quote (a connector's task puts resolved secrets back as placeholders, since
    /// topic names and client errors may hold them). None by default.
    /// </summary>
    public Func<ILoggingAdapter, ILoggingAdapter>? LogDecorator { get; init; }

    /// <summary>Returns a copy with another bootstrap list.</summary>
    public ProducerSettings WithBootstrapServers(string bootstrapServers) => this with { BootstrapServers = bootstrapServers };

    /// <summary>Returns a copy with another in-flight bound (at least 1).</summary>
    public ProducerSettings WithMaxInFlight(int maxInFlight) =>
        maxInFlight >= 1 ? this with { MaxInFlight = maxInFlight } : throw new ArgumentOutOfRangeException(nameof(maxInFlight));

    /// <summary>Returns a copy with the flow's tunables from <paramref name="stage"/> (an ActorSystem's hocon).</summary>
    public ProducerSettings WithStageSettings(KafkaStageSettings stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return WithMaxInFlight(stage.ProducerMaxInFlight) with { LogRepeatInterval = stage.LogRepeatInterval };
    }

    /// <summary>Returns a copy with the given broker features.</summary>
    public ProducerSettings WithBrokerFeatures(BrokerFeatures features) =>
        this with { BrokerFeatures = features ?? throw new ArgumentNullException(nameof(features)) };

    /// <summary>
    /// Returns a copy whose log lines also carry <paramref name="properties"/> (see <see cref="LogContext"/>); a property
    /// replaces one of the same name.
    /// </summary>
    public ProducerSettings WithLogContext(IEnumerable<KeyValuePair<string, object>> properties) =>
        this with { LogContext = KafkaClientLogging.MergeContext(LogContext, properties ?? throw new ArgumentNullException(nameof(properties))) };

    /// <summary>Returns a copy whose logger is wrapped by <paramref name="decorator"/> (see <see cref="LogDecorator"/>).</summary>
    public ProducerSettings WithLogDecorator(Func<ILoggingAdapter, ILoggingAdapter> decorator) =>
        this with { LogDecorator = decorator ?? throw new ArgumentNullException(nameof(decorator)) };

    /// <summary>Returns a copy with one librdkafka property added or replaced.</summary>
    public ProducerSettings WithProperty(string key, string value) => WithProperties([new(key, value)]);

    /// <summary>Returns a copy with the given librdkafka properties added or replacing existing ones.</summary>
    public ProducerSettings WithProperties(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var merged = new Dictionary<string, string>(Properties);
        foreach (var (key, value) in properties)
            merged[key] = value;
        return this with { Properties = merged };
    }

    /// <summary>
    /// The librdkafka configuration: defaults, then the broker's compatibility properties, then <see cref="Properties"/>,
    /// then <see cref="BootstrapServers"/>.
    /// </summary>
    public ProducerConfig BuildConfig()
    {
        var config = new ProducerConfig();
        foreach (var (key, value) in DefaultProperties)
            config.Set(key, value);
        config.EnableIdempotence = BrokerFeatures.SupportsIdempotence;
        // librdkafka must be able to queue everything we allow in flight, or Produce fails with QueueFull.
        config.QueueBufferingMaxMessages = Math.Max(100000, MaxInFlight);
        BrokerFeatures.ApplyTo(config);
        foreach (var (key, value) in Properties)
            config.Set(key, value);
        config.BootstrapServers = BootstrapServers;
        return config;
    }
}
