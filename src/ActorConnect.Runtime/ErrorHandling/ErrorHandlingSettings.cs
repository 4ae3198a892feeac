using ActorConnect.Runtime.Config;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>A connector's <c>errors.*</c> keys, typed.</summary>
/// <param name="TolerateAll"><c>errors.tolerance=all</c>: skip records that fail; <c>none</c> fails the task on the first.</param>
/// <param name="RetryTimeout"><c>errors.retry.timeout</c>: how long a retriable failure is retried; null retries forever (-1), zero never.</param>
/// <param name="RetryDelayMax"><c>errors.retry.delay.max.ms</c>: the longest wait between attempts.</param>
/// <param name="LogEnable"><c>errors.log.enable</c>.</param>
/// <param name="LogIncludeMessages"><c>errors.log.include.messages</c>.</param>
/// <param name="DlqTopic"><c>errors.deadletterqueue.topic.name</c>, null when there is no dead-letter queue.</param>
/// <param name="DlqReplicationFactor"><c>errors.deadletterqueue.topic.replication.factor</c>.</param>
/// <param name="DlqContextHeaders"><c>errors.deadletterqueue.context.headers.enable</c>.</param>
public sealed record ErrorHandlingSettings(
    bool TolerateAll,
    TimeSpan? RetryTimeout,
    TimeSpan RetryDelayMax,
    bool LogEnable,
    bool LogIncludeMessages,
    string? DlqTopic,
    short DlqReplicationFactor,
    bool DlqContextHeaders)
{
    /// <summary>
    /// Kafka Connect's defaults: no tolerance, no retries, no log, no dead-letter queue. Read from the connector
    /// config's definition (<see cref="ConnectorConfig.Sink"/>) so that its defaults stay the only ones: a config
    /// that sets no <c>errors.*</c> key (its name and class are required, and say nothing of errors).
    /// </summary>
    public static ErrorHandlingSettings Default { get; } =
        From(new Dictionary<string, string> { [ConnectorConfig.Name] = "defaults", [ConnectorConfig.ConnectorClass] = "defaults" });

    /// <summary>
    /// Reads the keys from a connector config. The dead-letter keys are read for source connectors too (beyond Kafka
    /// Connect, which has them for sinks only); the sink definition holds every <c>errors.*</c> key, so it parses both.
    /// </summary>
    public static ErrorHandlingSettings From(IReadOnlyDictionary<string, string> connectorConfig)
    {
        var parsed = ConnectorConfig.Sink.Parse(connectorConfig);
        var retryTimeout = parsed.GetLong(ConnectorConfig.ErrorsRetryTimeout);
        var dlq = parsed.GetString(ConnectorConfig.DlqTopicName)?.Trim();
        return new ErrorHandlingSettings(
            string.Equals(parsed.GetString(ConnectorConfig.ErrorsTolerance), "all", StringComparison.OrdinalIgnoreCase),
            retryTimeout < 0 ? null : TimeSpan.FromMilliseconds(retryTimeout),
            TimeSpan.FromMilliseconds(Math.Max(0, parsed.GetLong(ConnectorConfig.ErrorsRetryDelayMax))),
            parsed.GetBoolean(ConnectorConfig.ErrorsLogEnable),
            parsed.GetBoolean(ConnectorConfig.ErrorsLogIncludeMessages),
            string.IsNullOrEmpty(dlq) ? null : dlq,
            (short)parsed.GetInt(ConnectorConfig.DlqTopicReplicationFactor),
            parsed.GetBoolean(ConnectorConfig.DlqContextHeadersEnable));
    }
}
