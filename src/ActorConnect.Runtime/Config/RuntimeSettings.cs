using ActorConnect.Kafka;
using Akka.Actor;
using Akka.Configuration;

namespace ActorConnect.Runtime.Config;

/// <summary>
/// The runtime's Akka-side settings, read from the <c>actorconnect</c> HOCON section. Every default lives in
/// hocon/actorconnect.conf (embedded, <see cref="DefaultConfig"/>), none here: <see cref="Create(Akka.Configuration.Config)"/>
/// refuses a missing or bad value with a <see cref="Api.Errors.ConfigException"/> naming its key.
/// </summary>
public sealed record RuntimeSettings
{
    /// <summary>Task actors' dispatcher (<c>actorconnect.task-dispatcher</c>).</summary>
    public string TaskDispatcher { get; } = "actorconnect.task-dispatcher";

    /// <summary>Sink consumers' dispatcher (<c>actorconnect.consumer-dispatcher</c>).</summary>
    public string ConsumerDispatcher { get; } = "actorconnect.consumer-dispatcher";

    /// <summary>Connector supervisors' dispatcher (<c>actorconnect.connector-dispatcher</c>).</summary>
    public string ConnectorDispatcher { get; } = "actorconnect.connector-dispatcher";

    /// <summary>The worker actor's own thread: nothing a connector does can starve the control plane (REST, status).</summary>
    public string WorkerDispatcher { get; } = "actorconnect.worker-dispatcher";

    /// <summary><c>task-restart.min-backoff</c>.</summary>
    public required TimeSpan RestartMinBackoff { get; init; }

    /// <summary><c>task-restart.max-backoff</c>.</summary>
    public required TimeSpan RestartMaxBackoff { get; init; }

    /// <summary><c>task-restart.random-factor</c>.</summary>
    public required double RestartRandomFactor { get; init; }

    /// <summary><c>task-restart.max-failures</c>.</summary>
    public required int RestartMaxFailures { get; init; }

    /// <summary><c>task-restart.within</c>.</summary>
    public required TimeSpan RestartWithin { get; init; }

    /// <summary>The producer and consumer stages' tunables (<c>source.max-in-flight</c>, <c>sink.*</c>, <c>kafka-client-log</c>).</summary>
    public required KafkaStageSettings Kafka { get; init; }

    /// <summary><c>source.max-in-flight</c>.</summary>
    public int SourceMaxInFlight => Kafka.ProducerMaxInFlight;

    /// <summary><c>sink.max-buffered-records</c>.</summary>
    public int SinkMaxBufferedRecords => Kafka.ConsumerMaxBufferedRecords;

    /// <summary><c>sink.max-batch-records</c>.</summary>
    public required int SinkMaxBatchRecords { get; init; }

    /// <summary>
    /// How long a sink task's consumer may stay without an assignment before a new client replaces it
    /// (<c>sink.group-join-timeout</c>).
    /// </summary>
    public required TimeSpan SinkGroupJoinTimeout { get; init; }

    /// <summary>How long a sink consumer's rebalance callback waits for the task's answer (<c>sink.rebalance-timeout</c>).</summary>
    public required TimeSpan SinkRebalanceTimeout { get; init; }

    /// <summary><c>retry.min-backoff</c>.</summary>
    public required TimeSpan RetryMinBackoff { get; init; }

    /// <summary><c>retry.max-backoff</c>.</summary>
    public required TimeSpan RetryMaxBackoff { get; init; }

    /// <summary><c>retry.random-factor</c>.</summary>
    public required double RetryRandomFactor { get; init; }

    /// <summary>Time between two checks that the worker reaches Kafka (<c>kafka-connectivity.check-interval</c>).</summary>
    public required TimeSpan ConnectivityCheckInterval { get; init; }

    /// <summary>How long one such check waits for an answer (<c>kafka-connectivity.check-timeout</c>).</summary>
    public required TimeSpan ConnectivityCheckTimeout { get; init; }

    /// <summary>How long a starting task waits for the broker's features before retrying (<c>kafka-connectivity.task-wait</c>).</summary>
    public required TimeSpan BrokerTaskWait { get; init; }

    /// <summary>The waits of the worker's callers and of the worker itself (<c>worker.*</c>).</summary>
    public required WorkerTimeouts Worker { get; init; }

    /// <summary><c>dead-letter-queue.admin-timeout</c>: metadata and create requests for a dead-letter topic.</summary>
    public required TimeSpan DeadLetterAdminTimeout { get; init; }

    /// <summary><c>dead-letter-queue.flush-timeout</c>: flushing a dead-letter producer when its task stops.</summary>
    public required TimeSpan DeadLetterFlushTimeout { get; init; }

    /// <summary>The embedded defaults from hocon/actorconnect.conf.</summary>
    public static Akka.Configuration.Config DefaultConfig() => HoconSettings.Embedded(typeof(RuntimeSettings).Assembly, "actorconnect.conf");

    public static RuntimeSettings Create(ActorSystem system) => Create(system.Settings.Config.WithFallback(DefaultConfig()));

    /// <exception cref="Api.Errors.ConfigException">A value is missing or bad; the message names its key.</exception>
    public static RuntimeSettings Create(Akka.Configuration.Config config)
    {
        var restart = HoconSettings.Of(config, "actorconnect.task-restart");
        var sink = HoconSettings.Of(config, "actorconnect.sink");
        var retry = HoconSettings.Of(config, "actorconnect.retry");
        var connectivity = HoconSettings.Of(config, "actorconnect.kafka-connectivity");
        var deadLetters = HoconSettings.Of(config, "actorconnect.dead-letter-queue");
        return new RuntimeSettings
        {
            RestartMinBackoff = restart.Duration("min-backoff"),
            RestartMaxBackoff = restart.Duration("max-backoff"),
            RestartRandomFactor = restart.NonNegative("random-factor"),
            RestartMaxFailures = restart.Int("max-failures", 0),
            RestartWithin = restart.Duration("within"),
            Kafka = KafkaStageSettings.Create(config),
            SinkMaxBatchRecords = sink.Int("max-batch-records", 1),
            SinkGroupJoinTimeout = sink.Duration("group-join-timeout"),
            SinkRebalanceTimeout = sink.Duration("rebalance-timeout"),
            RetryMinBackoff = retry.Duration("min-backoff"),
            RetryMaxBackoff = retry.Duration("max-backoff"),
            RetryRandomFactor = retry.NonNegative("random-factor"),
            ConnectivityCheckInterval = connectivity.Duration("check-interval"),
            ConnectivityCheckTimeout = connectivity.Duration("check-timeout"),
            BrokerTaskWait = connectivity.Duration("task-wait"),
            Worker = WorkerTimeouts.Create(HoconSettings.Of(config, "actorconnect.worker")),
            DeadLetterAdminTimeout = deadLetters.Duration("admin-timeout"),
            DeadLetterFlushTimeout = deadLetters.Duration("flush-timeout"),
        };
    }

    /// <summary>Exponential backoff with jitter for the given attempt (0-based), as Akka's BackoffSupervisor computes it.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan min, TimeSpan max, double randomFactor)
    {
        var exp = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        var jitter = 1.0 + Random.Shared.NextDouble() * randomFactor;
        return TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, exp * jitter));
    }
}

/// <summary>The <c>actorconnect.worker</c> section: how long the worker's callers, and the worker itself, wait (hocon/actorconnect.conf explains each).</summary>
/// <param name="Ask">Create a connector, put its config, any other request.</param>
/// <param name="Query">A status; the worker's own questions to a connector's supervisor.</param>
/// <param name="Change">Pause, resume, stop, delete and the worker's stop: they wait for tasks to stop.</param>
/// <param name="Offsets">Reading, altering or resetting a connector's offsets.</param>
/// <param name="Terminate">Stopping an ActorSystem the worker made, after it failed to start.</param>
public sealed record WorkerTimeouts(TimeSpan Ask, TimeSpan Query, TimeSpan Change, TimeSpan Offsets, TimeSpan Terminate)
{
    /// <summary>Reads the section.</summary>
    /// <exception cref="Api.Errors.ConfigException">A value is missing or bad; the message names its key.</exception>
    public static WorkerTimeouts Create(HoconSettings c) =>
        new(c.Duration("ask-timeout"), c.Duration("query-timeout"), c.Duration("change-timeout"), c.Duration("offsets-timeout"), c.Duration("terminate-timeout"));
}
