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

    /// <summary>
    /// Writes a librdkafka line; warnings and errors go through <paramref name="throttle"/> (one line per cause per
    /// interval, with a count), since a client retrying a broker that is down logs every attempt.
    /// </summary>
    public static void Forward(ILoggingAdapter log, LogMessage message, ClientLogThrottle throttle)
    {
        if (IsExpectedLegacyWarning(message))
        {
            // BrokerFeatures.Describe already said, once, why these settings are there.
            log.Debug("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
            return;
        }
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => Akka.Event.LogLevel.ErrorLevel,
            SyslogLevel.Warning => Akka.Event.LogLevel.WarningLevel,
            SyslogLevel.Notice or SyslogLevel.Info => Akka.Event.LogLevel.InfoLevel,
            _ => Akka.Event.LogLevel.DebugLevel,
        };
        var held = 0;
        if (level >= Akka.Event.LogLevel.WarningLevel && !throttle.ShouldWrite(message.Facility + " " + message.Message, out held))
            return;
        log.Log(level, "librdkafka {0} {1}: {2}{3}", [message.Name, message.Facility, message.Message, throttle.HeldSuffix(held)]);
    }

    /// <summary>A non-fatal client error (librdkafka keeps retrying), through <paramref name="throttle"/>.</summary>
    public static void NonFatalError(ILoggingAdapter log, string client, Confluent.Kafka.Error error, ClientLogThrottle throttle)
    {
        if (throttle.ShouldWrite($"{error.Code} {error.Reason}", out var held))
            log.Warning("Kafka {0} error (librdkafka keeps retrying): {1} ({2}){3}", client, error.Reason, error.Code, throttle.HeldSuffix(held));
    }

    /// <summary>The deprecation notice librdkafka prints on every client configured for a 0.9 broker.</summary>
    private static bool IsExpectedLegacyWarning(LogMessage message) =>
        message.Facility == "CONFWARN" &&
        (message.Message.Contains("api.version.request", StringComparison.Ordinal) ||
         message.Message.Contains("broker.version.fallback", StringComparison.Ordinal));
}
