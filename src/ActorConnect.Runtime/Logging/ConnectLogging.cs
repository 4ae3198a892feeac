using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Logging;

/// <summary>
/// Loggers that stamp every line with the connector and task it comes from, as Kafka Connect's
/// <c>connector.context</c> MDC does: the properties <c>Connector</c>, <c>Task</c> and <c>ConnectorContext</c>
/// (<c>[name|task-0] </c>, <c>[name|worker] </c> for the connector itself), which the host's log template prints and
/// structured sinks keep as fields. Akka's context properties reach Serilog through Akka.Logger.Serilog; other loggers write the lines as before.
/// Every line of these loggers is redacted (<see cref="SecretRedactor"/>): connector and task lines quote exceptions and
/// config values, which may hold what a config provider resolved.
/// </summary>
public static class ConnectLogging
{
    /// <summary>A logger for the actors that run task <paramref name="id"/>.</summary>
    public static ILoggingAdapter ForTask(IActorContext context, ConnectorTaskId id, SecretRedactor secrets)
    {
        var log = context.GetLogger();
        foreach (var (name, value) in TaskContext(id))
        {
            log = log.WithContext(name, value);
        }

        return Redacting(log, secrets);
    }

    /// <summary>
    /// The properties <see cref="ForTask"/> stamps, for the loggers a task does not make itself: the Kafka stages it runs
    /// take them as <c>ConsumerSettings.LogContext</c> / <c>ProducerSettings.LogContext</c>, so that their lines and
    /// librdkafka's read like the task's own.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object>> TaskContext(ConnectorTaskId id) =>
    [
        new("Connector", id.Connector),
        new("Task", id.Task),
        new("ConnectorContext", $"[{id.Connector}|task-{id.Task}] "),
    ];

    /// <summary>A logger for the actor that runs connector <paramref name="name"/> itself.</summary>
    public static ILoggingAdapter ForConnector(IActorContext context, string name, SecretRedactor secrets) =>
        Redacting(context.GetLogger()
            .WithContext("Connector", name)
            .WithContext("ConnectorContext", $"[{name}|worker] "), secrets);

    /// <summary>
    /// <paramref name="log"/> with every line redacted: for any other logger that quotes connector exceptions or config
    /// values. Add context (<c>WithContext</c>) before, not after.
    /// </summary>
    public static ILoggingAdapter Redacting(ILoggingAdapter log, SecretRedactor secrets) => new RedactingLoggingAdapter(log, secrets);
}
