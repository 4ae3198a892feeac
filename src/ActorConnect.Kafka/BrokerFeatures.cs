using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// What the Kafka broker behind a bootstrap list can do, as far as our clients care.
/// </summary>
/// <remarks>
/// Why this exists: librdkafka discovers broker features with the ApiVersions request, which brokers older
/// than 0.10 do not understand. Against such a broker an unconfigured client hangs ("Timed out ApiVersionRequest"),
/// and record headers and timestamps are accepted by the client but silently dropped by the broker.
/// Detect once with <see cref="KafkaBrokerProbe.DetectAsync"/>, then pass the result to every client through
/// <see cref="ApplyTo"/> (done by <see cref="ProducerSettings"/> and <see cref="ConsumerSettings"/>) and let
/// the callers consult <see cref="SupportsHeaders"/> and friends instead of guessing.
/// </remarks>
public sealed record BrokerFeatures
{
    /// <summary>The fallback version librdkafka assumes when it may not ask the broker.</summary>
    public const string LegacyFallbackVersion = "0.9.0.1";

    /// <summary>Session timeout used for consumers of a legacy broker: 0.9 caps it at 30 s by default.</summary>
    public const int LegacySessionTimeoutMs = 30000;

    /// <summary>
    /// A broker that answers ApiVersions (Kafka 0.11 or later, with every feature we use). The default when
    /// nothing was detected: clients are left with librdkafka's own negotiation.
    /// </summary>
    public static BrokerFeatures Modern { get; } = new()
    {
        IsLegacy = false,
        SupportsHeaders = true,
        SupportsTimestamps = true,
        SupportsIdempotence = true,
    };

    /// <summary>A Kafka 0.9 broker: no ApiVersions, no headers, no timestamps, no idempotence, no transactions.</summary>
    public static BrokerFeatures Legacy { get; } = new()
    {
        IsLegacy = true,
        SupportsHeaders = false,
        SupportsTimestamps = false,
        SupportsIdempotence = false,
    };

    /// <summary>
    /// True when the broker does not answer ApiVersions (Kafka older than 0.10): clients must be told the
    /// broker version (<c>api.version.request=false</c>, <c>broker.version.fallback=0.9.0.1</c>).
    /// </summary>
    public bool IsLegacy { get; init; }

    /// <summary>Record headers survive a round trip (Produce v3, Kafka 0.11+).</summary>
    public bool SupportsHeaders { get; init; }

    /// <summary>Record timestamps survive a round trip (Produce v2, Kafka 0.10+).</summary>
    public bool SupportsTimestamps { get; init; }

    /// <summary>The idempotent (and transactional) producer is available (InitProducerId, Kafka 0.11+).</summary>
    public bool SupportsIdempotence { get; init; }

    /// <summary>
    /// Highest version of each API the broker reported (API key to max version), empty for a legacy broker
    /// or when the features were not probed.
    /// </summary>
    public IReadOnlyDictionary<short, short> MaxApiVersions { get; init; } = new Dictionary<short, short>();

    /// <summary>The bootstrap address that answered the probe, if any.</summary>
    public string? ProbedAddress { get; init; }

    /// <summary>
    /// Sets the compatibility properties this broker needs on a client configuration (producer, consumer or admin).
    /// Nothing changes for a modern broker. For a legacy one: no ApiVersions request, fallback version 0.9.0.1,
    /// no idempotence on producers and a session timeout the broker accepts on consumers.
    /// Apply it before the user's own properties so that they can still override it.
    /// </summary>
    /// <returns>The same configuration, for chaining.</returns>
    public T ApplyTo<T>(T config) where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!IsLegacy)
            return config;
        config.ApiVersionRequest = false;
        config.BrokerVersionFallback = LegacyFallbackVersion;
        switch (config)
        {
            case ProducerConfig producer:
                producer.EnableIdempotence = false;
                break;
            case ConsumerConfig consumer:
                consumer.SessionTimeoutMs = LegacySessionTimeoutMs;
                if (!SupportsHeaders)
                {
                    // Records of such a broker carry no headers: without this, Confluent.Kafka still makes an empty
                    // Headers (and its list) for every record consumed.
                    consumer.Set("dotnet.consumer.consume.result.fields", "topic,timestamp");
                }
                break;
        }
        return config;
    }

    /// <summary>One line for the logs that says what the broker supports and why.</summary>
    public string Describe()
    {
        var where = ProbedAddress is null ? "Kafka broker" : $"Kafka broker at {ProbedAddress}";
        if (IsLegacy)
        {
            return $"{where} is legacy (< 0.10, no ApiVersions): clients use api.version.request=false and " +
                   $"broker.version.fallback={LegacyFallbackVersion}; record headers, timestamps, idempotence, " +
                   "transactions and AdminClient CreateTopics are unavailable";
        }

        var versions = MaxApiVersions.TryGetValue(0, out var produce) ? $"Produce v{produce}" : "versions not probed";
        return $"{where} supports ApiVersions ({versions}): headers={YesNo(SupportsHeaders)}, " +
               $"timestamps={YesNo(SupportsTimestamps)}, idempotence={YesNo(SupportsIdempotence)}";
    }

    /// <summary>Derives the features from the ApiVersions answer of a modern broker.</summary>
    public static BrokerFeatures FromApiVersions(IReadOnlyDictionary<short, short> maxVersions, string? address = null)
    {
        ArgumentNullException.ThrowIfNull(maxVersions);
        var produce = maxVersions.TryGetValue(ApiKeyProduce, out var v) ? v : (short)-1;
        return new BrokerFeatures
        {
            IsLegacy = false,
            SupportsTimestamps = produce >= 2,
            SupportsHeaders = produce >= 3,
            SupportsIdempotence = maxVersions.ContainsKey(ApiKeyInitProducerId),
            MaxApiVersions = maxVersions,
            ProbedAddress = address,
        };
    }

    internal const short ApiKeyProduce = 0;
    internal const short ApiKeyInitProducerId = 22;

    private static string YesNo(bool value) => value ? "yes" : "no";
}
