using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Status;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// What source and sink task actors share: their identity and configs, waiting for the broker with backoff, retrying
/// retriable problems with their reason in the status, and turning any other exception into a
/// <see cref="TaskFailedException"/> for the supervisor to decide on.
/// </summary>
public abstract class TaskActorBase : ReceiveActor, IWithTimers
{
    private readonly HashSet<string> _topicsUsed = new(StringComparer.Ordinal);
    private string? _lastTopic;

    private int _retryAttempt;

    protected TaskActorBase(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle)
    {
        Id = id;
        TaskType = taskType;
        // Secrets are resolved here, at task start, on the task's own thread: the supervisor and the REST API only
        // ever hold the ${provider:...} placeholders. A placeholder that cannot be resolved fails this start.
        TaskConfig = services.Providers.Resolve(taskConfig);
        ConnectorConfig = services.Providers.Resolve(connectorConfig);
        Services = services;
        Handle = handle;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected ConnectorTaskId Id { get; }

    protected Type TaskType { get; }

    protected IReadOnlyDictionary<string, string> TaskConfig { get; }

    protected IReadOnlyDictionary<string, string> ConnectorConfig { get; }

    protected TaskServices Services { get; }

    protected TaskHandle Handle { get; }

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>True while a retriable problem is being waited out.</summary>
    protected bool IsRetrying => _retryAttempt > 0;

    /// <summary>
    /// The broker's features, or null while Kafka cannot be reached: then <paramref name="retry"/> is sent again after
    /// a backoff and the status says what the task waits for.
    /// </summary>
    protected BrokerFeatures? AwaitBroker(object retry)
    {
        try
        {
            var features = Services.Broker.GetAsync(TimeSpan.FromSeconds(5), Handle.Stopping).GetAwaiter().GetResult();
            _retryAttempt = 0;
            return features;
        }
        catch (KafkaBrokerUnreachableException e)
        {
            RetryLater(retry, $"Waiting for Kafka: {e.Message}");
            return null;
        }
    }

    /// <summary>Sends <paramref name="message"/> to self after an exponential backoff, reporting <paramref name="reason"/> in the status.</summary>
    protected TimeSpan RetryLater(object message, string reason, TimeSpan? delay = null)
    {
        var wait = delay ?? RuntimeSettings.Backoff(_retryAttempt, Services.Settings.RetryMinBackoff, Services.Settings.RetryMaxBackoff, 0.2);
        _retryAttempt++;
        if (_retryAttempt == 1 || _retryAttempt % 10 == 0)
        {
            Log.Warning("Task {0}: {1} (attempt {2}, retrying in {3:N0} ms)", Id, reason, _retryAttempt, wait.TotalMilliseconds);
        }

        ReportState(ConnectState.Running, reason);
        Timers.StartSingleTimer("retry", message, wait);
        return wait;
    }

    /// <summary>Ends a retry episode: the status no longer shows its reason.</summary>
    protected void RetrySucceeded(string? remainingWarning = null)
    {
        if (_retryAttempt > 0)
        {
            _retryAttempt = 0;
            ReportState(ConnectState.Running, remainingWarning);
        }
    }

    protected void ReportState(ConnectState state, string? lastError = null) =>
        Context.Parent.Tell(new TaskProtocol.StateChanged(Id, state, lastError));

    protected IConverter CreateConverter(bool isKey) => Services.CreateConverter(ConnectorConfig, isKey);

    /// <summary>Reports a topic the first time this task uses it, for the connector's active topics.</summary>
    protected void TopicUsed(string topic)
    {
        // Called per record: most records name the same string instance as the one before.
        if (ReferenceEquals(topic, _lastTopic))
        {
            return;
        }

        _lastTopic = topic;
        if (_topicsUsed.Add(topic))
        {
            Context.Parent.Tell(new TaskProtocol.TopicUsed(topic));
        }
    }

    /// <summary>The connector's <c>producer.override.*</c> / <c>consumer.override.*</c> keys, prefix removed.</summary>
    protected IReadOnlyDictionary<string, string> Overrides(string prefix, params string[] except) =>
        ConnectorConfig.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && !except.Contains(kv.Key))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    /// <summary>Runs a handler; anything but a retriable problem it handled itself fails the task.</summary>
    protected void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is not TaskFailedException)
        {
            OnFailing();
            throw new TaskFailedException(Id, e);
        }
    }

    /// <summary>Called just before a failure leaves the actor, while it is still running.</summary>
    protected virtual void OnFailing()
    {
    }

    protected sealed record StartTask
    {
        public static readonly StartTask Instance = new();
    }
}
