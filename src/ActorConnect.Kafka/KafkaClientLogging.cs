using Akka.Event;
using LogMessage = Confluent.Kafka.LogMessage;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Routes librdkafka's own log lines into Akka logging, so they end up with the stage's other logs instead of stderr.
/// </summary>
internal static class KafkaClientLogging
{
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
