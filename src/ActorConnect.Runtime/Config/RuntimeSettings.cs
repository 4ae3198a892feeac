using Akka.Actor;
using Akka.Configuration;

namespace ActorConnect.Runtime.Config;

/// <summary>The runtime's Akka-side settings, read from the <c>actorconnect</c> HOCON section (defaults in hocon/actorconnect.conf).</summary>
public sealed record RuntimeSettings(
    string TaskDispatcher,
    string ConsumerDispatcher,
    string ConnectorDispatcher,
    TimeSpan RestartMinBackoff,
    TimeSpan RestartMaxBackoff,
    double RestartRandomFactor,
    int RestartMaxFailures,
    TimeSpan RestartWithin,
    int SourceMaxInFlight,
    int SinkMaxBufferedRecords,
    int SinkMaxBatchRecords,
    TimeSpan RetryMinBackoff,
    TimeSpan RetryMaxBackoff)
{
    /// <summary>
    /// How long a sink task's consumer may stay without an assignment before a new client replaces it
    /// (<c>sink.group-join-timeout</c>).
    /// </summary>
    public TimeSpan SinkGroupJoinTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Time between two checks that the worker reaches Kafka (<c>kafka-connectivity.check-interval</c>).</summary>
    public TimeSpan ConnectivityCheckInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one such check waits for an answer (<c>kafka-connectivity.check-timeout</c>).</summary>
    public TimeSpan ConnectivityCheckTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The worker actor's own thread: nothing a connector does can starve the control plane (REST, status).</summary>
    public string WorkerDispatcher { get; init; } = "actorconnect.worker-dispatcher";

    /// <summary>The embedded defaults from hocon/actorconnect.conf.</summary>
    public static Akka.Configuration.Config DefaultConfig()
    {
        using var stream = typeof(RuntimeSettings).Assembly.GetManifestResourceStream("actorconnect.conf")
            ?? throw new InvalidOperationException("actorconnect.conf is not embedded in ActorConnect.Runtime");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    public static RuntimeSettings Create(ActorSystem system) => Create(system.Settings.Config.WithFallback(DefaultConfig()));

    public static RuntimeSettings Create(Akka.Configuration.Config config)
    {
        var c = config.GetConfig("actorconnect");
        return new RuntimeSettings(
            "actorconnect.task-dispatcher",
            "actorconnect.consumer-dispatcher",
            "actorconnect.connector-dispatcher",
            c.GetTimeSpan("task-restart.min-backoff"),
            c.GetTimeSpan("task-restart.max-backoff"),
            c.GetDouble("task-restart.random-factor"),
            c.GetInt("task-restart.max-failures"),
            c.GetTimeSpan("task-restart.within"),
            c.GetInt("source.max-in-flight"),
            c.GetInt("sink.max-buffered-records"),
            c.GetInt("sink.max-batch-records"),
            c.GetTimeSpan("retry.min-backoff"),
            c.GetTimeSpan("retry.max-backoff"))
        {
            SinkGroupJoinTimeout = c.GetTimeSpan("sink.group-join-timeout"),
            ConnectivityCheckInterval = c.GetTimeSpan("kafka-connectivity.check-interval"),
            ConnectivityCheckTimeout = c.GetTimeSpan("kafka-connectivity.check-timeout"),
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
