using Akka.Event;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Immutable settings of <see cref="KafkaConsumerSource"/>.
/// </summary>
/// <remarks>
/// Why these defaults: a sink task commits only what it has written, so offsets are committed explicitly
/// (<c>enable.auto.commit=false</c>, <c>enable.auto.offset.store=false</c>), and a new group starts from the
/// beginning (<c>auto.offset.reset=earliest</c>) like Kafka Connect's sink consumers. <see cref="Properties"/>
/// (Kafka Connect's <c>consumer.*</c> keys, librdkafka names) are applied last and win, except that
/// auto-commit and cooperative assignors are refused because the stage does not support them. The stage's own
/// defaults (buffer bound, poll interval, lag measurement, log repeat) live only in hocon/actorconnect.conf
/// (<see cref="KafkaStageSettings"/>).
/// </remarks>
public sealed record ConsumerSettings
{
    /// <summary>The librdkafka properties we set unless <see cref="Properties"/> says otherwise.</summary>
    public static IReadOnlyDictionary<string, string> DefaultProperties { get; } = new Dictionary<string, string>
    {
        ["enable.auto.commit"] = "false",
        ["enable.auto.offset.store"] = "false",
        ["auto.offset.reset"] = "earliest",
        ["enable.partition.eof"] = "false",
        // librdkafka prefetches up to 64 MB per consumer by default; the stage's own buffer already absorbs short
        // stalls, so a smaller prefetch keeps a worker with many sink tasks within a predictable memory bound.
        // (Not queued.min.messages: set low, it makes librdkafka back off fetch.queue.backoff.ms between fetches.)
        ["queued.max.messages.kbytes"] = "4096",
        // When that bound is reached librdkafka waits this long before fetching again (default 1 s): a short wait
        // keeps a fast sink fed instead of idling for a second every time it catches up with the prefetch.
        ["fetch.queue.backoff.ms"] = "20",
    };

    /// <summary>Creates settings for a consumer group.</summary>
    public ConsumerSettings(string bootstrapServers, string groupId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        BootstrapServers = bootstrapServers;
        GroupId = groupId;
    }

    /// <summary>Kafka's <c>bootstrap.servers</c>; wins over the same key in <see cref="Properties"/>.</summary>
    public string BootstrapServers { get; init; }

    /// <summary>Kafka's <c>group.id</c>; wins over the same key in <see cref="Properties"/>.</summary>
    public string GroupId { get; init; }

    /// <summary>
    /// At most this many records are held by the stage. When it is full the stage pauses every assigned
    /// partition (and keeps polling so that the consumer stays in its group); it resumes them once half drained.
    /// </summary>
    public int MaxBufferedRecords { get; init; } = KafkaStageSettings.Default.ConsumerMaxBufferedRecords;

    /// <summary>While records are buffered or held back for backpressure, how long the stage waits between polls.</summary>
    public TimeSpan PollInterval { get; init; } = KafkaStageSettings.Default.PollInterval;

    /// <summary>
    /// With nothing buffered and nothing held back, the longest single wait for a record inside librdkafka (a record
    /// ends it at once, so does a command); between two waits the stage handles its mailbox. An idle consumer wakes
    /// once per interval.
    /// </summary>
    public TimeSpan IdlePollInterval { get; init; } = KafkaStageSettings.Default.IdlePollInterval;

    /// <summary>How the stage measures its lag per partition.</summary>
    public ConsumerLagSettings Lag { get; init; } = KafkaStageSettings.Default.Lag;

    /// <summary>How often one repeating cause of the client's warnings and errors is written (the others are counted).</summary>
    public TimeSpan LogRepeatInterval { get; init; } = KafkaStageSettings.Default.LogRepeatInterval;

    /// <summary>
    /// How long a full buffer may wait for downstream before every partition is paused (and polling goes on only to
    /// stay in the group): a third of <c>max.poll.interval.ms</c>, at most 10 s. Shorter stalls just stop reading,
    /// which keeps librdkafka's prefetched records instead of discarding them with a pause.
    /// </summary>
    public TimeSpan StallBeforePause
    {
        get
        {
            // 300000 is librdkafka's own max.poll.interval.ms default, and the 10 s cap keeps a short stall from
            // discarding prefetched records: both follow from the client's contract, not tunables of ours.
            var maxPoll = Properties.TryGetValue("max.poll.interval.ms", out var v) && int.TryParse(v, out var ms) ? ms : 300000;
            return TimeSpan.FromMilliseconds(Math.Min(maxPoll / 3, 10000));
        }
    }

    /// <summary>
    /// Id of the dispatcher the stage runs on, or null for the materializer's. Use a dedicated (for example
    /// pinned) dispatcher: polling, commits and the partition listener block the thread.
    /// </summary>
    public string? Dispatcher { get; init; }

    /// <summary>librdkafka consumer properties, passed verbatim and applied after the defaults.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>What the broker supports; decides the compatibility properties.</summary>
    public BrokerFeatures BrokerFeatures { get; init; } = BrokerFeatures.Modern;

    /// <summary>
    /// Receives librdkafka's statistics JSON (every <c>statistics.interval.ms</c>), on a librdkafka thread.
    /// For metrics and for tests that need to observe the group membership.
    /// </summary>
    public Action<string>? StatisticsHandler { get; init; }

    /// <summary>
    /// Properties added to every line the stage and its librdkafka client log (Akka's <c>WithContext</c>; structured
    /// loggers such as Akka.Logger.Serilog keep them as fields). Lets whoever runs the stage on behalf of something else,
    /// such as a connector's task, make those lines say so without this assembly knowing about it. Empty by default.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object>> LogContext { get; init; } = [];

    /// <summary>
    /// How long the consumer may stay without an assignment (after subscribing, or after giving its partitions up)
    /// before the stage gives up on its client and fails with <see cref="ConsumerGroupJoinTimeoutException"/>, so that
    /// whoever runs it builds a new one. librdkafka can stay stuck for good: a broker answer it fails to parse while
    /// joining ("Local: Bad message format ... Permanent", seen on Kafka 0.9 after a restart) is never retried.
    /// A member that joined with no partitions (more members than partitions) has an assignment, an empty one.
    /// Null (the default): never.
    /// </summary>
    public TimeSpan? JoinTimeout { get; init; }

    /// <summary>Returns a copy with another <see cref="JoinTimeout"/> (positive, or null for never).</summary>
    public ConsumerSettings WithJoinTimeout(TimeSpan? timeout) =>
        timeout is null || timeout > TimeSpan.Zero ? this with { JoinTimeout = timeout } : throw new ArgumentOutOfRangeException(nameof(timeout));

    /// <summary>
    /// Wraps the logger the stage and its librdkafka client write to, after <see cref="LogContext"/> is added: lets
    /// whoever runs it filter what its lines quote (a connector's task puts resolved secrets back as placeholders, since
    /// topic names and client errors may hold them). None by default.
    /// </summary>
    public Func<ILoggingAdapter, ILoggingAdapter>? LogDecorator { get; init; }

    /// <summary>Returns a copy with another group id.</summary>
    public ConsumerSettings WithGroupId(string groupId) => this with { GroupId = groupId };

    /// <summary>Returns a copy with another bootstrap list.</summary>
    public ConsumerSettings WithBootstrapServers(string bootstrapServers) => this with { BootstrapServers = bootstrapServers };

    /// <summary>Returns a copy with another buffer bound (at least 1).</summary>
    public ConsumerSettings WithMaxBufferedRecords(int max) =>
        max >= 1 ? this with { MaxBufferedRecords = max } : throw new ArgumentOutOfRangeException(nameof(max));

    /// <summary>Returns a copy with another poll interval (positive).</summary>
    public ConsumerSettings WithPollInterval(TimeSpan interval) =>
        interval > TimeSpan.Zero ? this with { PollInterval = interval } : throw new ArgumentOutOfRangeException(nameof(interval));

    /// <summary>Returns a copy with the stage's tunables from <paramref name="stage"/> (an ActorSystem's hocon).</summary>
    public ConsumerSettings WithStageSettings(KafkaStageSettings stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return WithMaxBufferedRecords(stage.ConsumerMaxBufferedRecords).WithPollInterval(stage.PollInterval) with
        {
            IdlePollInterval = stage.IdlePollInterval,
            Lag = stage.Lag,
            LogRepeatInterval = stage.LogRepeatInterval,
        };
    }

    /// <summary>Returns a copy that runs the stage on the given dispatcher.</summary>
    public ConsumerSettings WithDispatcher(string? dispatcherId) => this with { Dispatcher = dispatcherId };

    /// <summary>Returns a copy with the given broker features.</summary>
    public ConsumerSettings WithBrokerFeatures(BrokerFeatures features) =>
        this with { BrokerFeatures = features ?? throw new ArgumentNullException(nameof(features)) };

    /// <summary>Returns a copy with one librdkafka property added or replaced.</summary>
    public ConsumerSettings WithProperty(string key, string value) => WithProperties([new(key, value)]);

    /// <summary>Returns a copy with the given librdkafka properties added or replacing existing ones.</summary>
    public ConsumerSettings WithProperties(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var merged = new Dictionary<string, string>(Properties);
        foreach (var (key, value) in properties)
            merged[key] = value;
        return this with { Properties = merged };
    }

    /// <summary>
    /// Returns a copy whose log lines also carry <paramref name="properties"/> (see <see cref="LogContext"/>); a property
    /// replaces one of the same name.
    /// </summary>
    public ConsumerSettings WithLogContext(IEnumerable<KeyValuePair<string, object>> properties) =>
        this with { LogContext = KafkaClientLogging.MergeContext(LogContext, properties ?? throw new ArgumentNullException(nameof(properties))) };

    /// <summary>Returns a copy whose logger is wrapped by <paramref name="decorator"/> (see <see cref="LogDecorator"/>).</summary>
    public ConsumerSettings WithLogDecorator(Func<ILoggingAdapter, ILoggingAdapter> decorator) =>
        this with { LogDecorator = decorator ?? throw new ArgumentNullException(nameof(decorator)) };

    /// <summary>Returns a copy that reports librdkafka statistics to <paramref name="handler"/> every <paramref name="interval"/>.</summary>
    public ConsumerSettings WithStatisticsHandler(Action<string> handler, TimeSpan interval) =>
        (this with { StatisticsHandler = handler })
        .WithProperty("statistics.interval.ms", ((int)interval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The librdkafka configuration: defaults, then the broker's compatibility properties, then <see cref="Properties"/>,
    /// then <see cref="BootstrapServers"/> and <see cref="GroupId"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The properties ask for auto-commit or a cooperative assignor.</exception>
    public ConsumerConfig BuildConfig()
    {
        var config = new ConsumerConfig();
        foreach (var (key, value) in DefaultProperties)
            config.Set(key, value);
        BrokerFeatures.ApplyTo(config);
        foreach (var (key, value) in Properties)
            config.Set(key, value);
        config.BootstrapServers = BootstrapServers;
        config.GroupId = GroupId;

        if (config.EnableAutoCommit == true)
            throw new NotSupportedException("enable.auto.commit=true is not supported: the stage commits only what the caller asks it to commit");
        if (config.Get("partition.assignment.strategy") is { } strategy && strategy.Contains("cooperative", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"partition.assignment.strategy={strategy} is not supported: the stage implements the eager rebalance protocol only (range, roundrobin)");
        return config;
    }
}
