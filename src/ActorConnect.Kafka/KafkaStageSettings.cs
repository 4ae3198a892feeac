using Akka.Configuration;

namespace ActorConnect.Kafka;

/// <summary>
/// The tunables of the producer and consumer stages, read from the <c>actorconnect</c> HOCON section: their defaults
/// live only in hocon/actorconnect.conf (embedded here as in the runtime), which <see cref="Default"/> reads.
/// <see cref="ProducerSettings"/> and <see cref="ConsumerSettings"/> start from <see cref="Default"/>; the runtime
/// applies the ActorSystem's own (<see cref="ProducerSettings.WithStageSettings"/>), so an override reaches every task.
/// </summary>
/// <param name="ProducerMaxInFlight"><c>actorconnect.source.max-in-flight</c>: see <see cref="ProducerSettings.MaxInFlight"/>.</param>
/// <param name="ConsumerMaxBufferedRecords"><c>actorconnect.sink.max-buffered-records</c>: see <see cref="ConsumerSettings.MaxBufferedRecords"/>.</param>
/// <param name="PollInterval"><c>actorconnect.sink.poll-interval</c>: see <see cref="ConsumerSettings.PollInterval"/>.</param>
/// <param name="Lag"><c>actorconnect.sink.lag</c>: how the consumer measures its lag.</param>
/// <param name="LogRepeatInterval"><c>actorconnect.kafka-client-log.repeat-interval</c>: how often one repeating cause of a client's warnings is written.</param>
public sealed record KafkaStageSettings(int ProducerMaxInFlight, int ConsumerMaxBufferedRecords, TimeSpan PollInterval, ConsumerLagSettings Lag, TimeSpan LogRepeatInterval)
{
    private static readonly Lazy<KafkaStageSettings> Defaults = new(() => Create(DefaultConfig()));

    /// <summary>The settings of hocon/actorconnect.conf as shipped.</summary>
    public static KafkaStageSettings Default => Defaults.Value;

    // Read apart from Default, whose construction would otherwise need itself.
    private static readonly Lazy<TimeSpan> ShippedIdlePollInterval = new(() => IdlePollIntervalOf(DefaultConfig()));

    /// <summary>
    /// <c>actorconnect.sink.idle-poll-interval</c>: see <see cref="ConsumerSettings.IdlePollInterval"/>. The shipped
    /// value unless <see cref="Create"/> read another.
    /// </summary>
    public TimeSpan IdlePollInterval { get; init; } = ShippedIdlePollInterval.Value;

    /// <summary>Reads the settings from a config holding the <c>actorconnect</c> section.</summary>
    /// <exception cref="Api.Errors.ConfigException">A value is missing or bad; the message names its key.</exception>
    public static KafkaStageSettings Create(Config config)
    {
        var sink = HoconSettings.Of(config, "actorconnect.sink");
        var lag = sink.Sub("lag");
        return new KafkaStageSettings(
            HoconSettings.Of(config, "actorconnect.source").Int("max-in-flight", 1),
            sink.Int("max-buffered-records", 1),
            sink.Duration("poll-interval"),
            new ConsumerLagSettings(lag.Duration("measure-every"), lag.Duration("query-paused-every"), lag.Duration("lookup-timeout"), lag.Duration("retry-lookup-after")),
            HoconSettings.Of(config, "actorconnect.kafka-client-log").Duration("repeat-interval"))
        {
            IdlePollInterval = IdlePollIntervalOf(config),
        };
    }

    private static TimeSpan IdlePollIntervalOf(Config config) => HoconSettings.Of(config, "actorconnect.sink").Duration("idle-poll-interval");

    /// <summary>hocon/actorconnect.conf, embedded in this assembly.</summary>
    public static Config DefaultConfig() => HoconSettings.Embedded(typeof(KafkaStageSettings).Assembly, "actorconnect.conf");
}

/// <summary>How a consumer measures its lag (<c>actorconnect.sink.lag</c>; hocon/actorconnect.conf explains each).</summary>
/// <param name="MeasureEvery">Lag is measured at most this often.</param>
/// <param name="QueryPausedEvery">How often a paused partition's high watermark is asked of the broker.</param>
/// <param name="LookupTimeout">Bounds each lookup from the broker, which blocks the stage's thread.</param>
/// <param name="RetryLookupAfter">After a failed lookup (broker down), how long before any other.</param>
public sealed record ConsumerLagSettings(TimeSpan MeasureEvery, TimeSpan QueryPausedEvery, TimeSpan LookupTimeout, TimeSpan RetryLookupAfter);
