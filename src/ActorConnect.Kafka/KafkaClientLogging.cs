using Akka.Event;
using LogMessage = Confluent.Kafka.LogMessage;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Routes librdkafka's own log lines into Akka logging, so they end up with the stage's other logs instead of stderr,
/// and stamps the stages' loggers with the context their settings carry.
/// </summary>
internal static class KafkaClientLogging
{
    /// <summary>
    /// <paramref name="log"/> with every property of <paramref name="context"/> (Akka's <c>WithContext</c>): the logger
    /// a stage writes its own lines and its client's lines to.
    /// </summary>
    private static ILoggingAdapter WithContext(ILoggingAdapter log, IReadOnlyList<KeyValuePair<string, object>> context)
    {
        foreach (var (name, value) in context)
            log = log.WithContext(name, value);
        return log;
    }

    /// <summary>
    /// A stage's logger: <paramref name="log"/> with <paramref name="context"/>, then wrapped by
    /// <paramref name="decorator"/> when its settings have one.
    /// </summary>
    public static ILoggingAdapter ForStage(ILoggingAdapter log, IReadOnlyList<KeyValuePair<string, object>> context, Func<ILoggingAdapter, ILoggingAdapter>? decorator)
    {
        var withContext = WithContext(log, context);
        return decorator?.Invoke(withContext) ?? withContext;
    }

    /// <summary>
    /// <paramref name="existing"/> followed by <paramref name="added"/>; an added property replaces an existing one of the
    /// same name, so that a line never carries two values for one field.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object>> MergeContext(
        IReadOnlyList<KeyValuePair<string, object>> existing, IEnumerable<KeyValuePair<string, object>> added)
    {
        var merged = existing.ToList();
        foreach (var property in added)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(property.Key, nameof(added));
            ArgumentNullException.ThrowIfNull(property.Value, nameof(added));
            merged.RemoveAll(p => p.Key == property.Key);
            merged.Add(property);
        }
        return merged;
    }

    public static void Forward(ILoggingAdapter log, LogMessage message)
    {
        if (IsExpectedLegacyWarning(message))
        {
            // BrokerFeatures.Describe already said, once, why these settings are there.
            log.Debug("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
            return;
        }
        switch (message.Level)
        {
            case SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error:
                log.Error("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
            case SyslogLevel.Warning:
                log.Warning("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
            case SyslogLevel.Notice or SyslogLevel.Info:
                log.Info("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
            default:
                log.Debug("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
        }
    }

    /// <summary>The deprecation notice librdkafka prints on every client configured for a 0.9 broker.</summary>
    private static bool IsExpectedLegacyWarning(LogMessage message) =>
        message.Facility == "CONFWARN" &&
        (message.Message.Contains("api.version.request", StringComparison.Ordinal) ||
         message.Message.Contains("broker.version.fallback", StringComparison.Ordinal));
}
