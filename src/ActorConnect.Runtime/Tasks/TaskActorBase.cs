using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Kafka.ClientKeys;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Transforms;
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
        Metrics = services.Metrics.ForTask(id, services.Providers.Secrets);
        Log = Logging.ConnectLogging.ForTask(Context, id, services.Providers.Secrets);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected ConnectorTaskId Id { get; }

    protected Type TaskType { get; }

    protected IReadOnlyDictionary<string, string> TaskConfig { get; }

    protected IReadOnlyDictionary<string, string> ConnectorConfig { get; }

    protected TaskServices Services { get; }

    /// <summary>The task's metrics (Kafka Connect's names), removed when the task stops.</summary>
    protected Metrics.TaskMetrics Metrics { get; }

    protected TaskHandle Handle { get; }

    protected ILoggingAdapter Log { get; }

    /// <summary>
    /// Wraps the logger of the Kafka stages the task runs, whose lines quote topic names and client errors: they get
    /// placeholders back, as the task's own lines do.
    /// </summary>
    protected Func<ILoggingAdapter, ILoggingAdapter> RedactingLog => log => Logging.ConnectLogging.Redacting(log, Services.Providers.Secrets);

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
            var features = Services.Broker.GetAsync(Services.Settings.BrokerTaskWait, Handle.Stopping).GetAwaiter().GetResult();
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
        var wait = delay ?? RuntimeSettings.Backoff(_retryAttempt, Services.Settings.RetryMinBackoff, Services.Settings.RetryMaxBackoff, Services.Settings.RetryRandomFactor);
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

    /// <summary>The connector's <c>transforms</c> for this task's record type; the task disposes it when it stops.</summary>
    protected TransformationChain<TRecord> CreateTransformationChain<TRecord>()
        where TRecord : ConnectRecord =>
        TransformationChainFactory.Create<TRecord>(ConnectorConfig, Services.Plugins);

    /// <summary>
    /// The task's error handling from the connector's <c>errors.*</c> keys: the log reporter, and the dead-letter queue
    /// (its topic made sure of, a producer of its own) when a topic is named. <paramref name="serializeSource"/> turns
    /// a source task's failed record into bytes for the queue.
    /// </summary>
    protected RetryWithToleranceOperator CreateErrorHandling(BrokerFeatures features, Func<SourceRecord, RawRecord>? serializeSource, out DeadLetterQueueReporter? deadLetters)
    {
        var settings = ErrorHandlingSettings.From(ConnectorConfig);
        var reporters = new List<IErrorReporter>();
        if (settings.LogEnable)
        {
            reporters.Add(new LogReporter(Id, settings.LogIncludeMessages, Log));
        }

        deadLetters = null;
        if (settings.DlqTopic is { } topic)
        {
            var bootstrap = Services.Worker.BootstrapServersValue;
            var producer = new ProducerSettings(bootstrap)
                .WithBrokerFeatures(features)
                .WithProperties(Services.Clients.Task(ClientKind.Producer, ConnectorConfig));
            Services.Kafka.EnsureDeadLetterTopic(bootstrap, Services.Clients.Task(ClientKind.Admin, ConnectorConfig), features, topic,
                settings.DlqReplicationFactor, Log, Services.Settings.DeadLetterAdminTimeout);
            deadLetters = new DeadLetterQueueReporter(Id, topic, settings.DlqContextHeaders, producer.BuildConfig(), features, serializeSource, Log,
                Services.Kafka.DeadLetterProducer, Services.Settings.DeadLetterFlushTimeout);
            reporters.Add(new CountingReporter(deadLetters, Metrics.DeadLettered));
        }

        var parent = Context.Parent;
        var id = Id;
        var metrics = Metrics;
        return new RetryWithToleranceOperator(settings, reporters, Log, Handle.Stopping,
            reason => parent.Tell(new TaskProtocol.StateChanged(id, ConnectState.Running, reason)), metrics.RecordFailed);
    }

    /// <summary>Disposes what the runtime built around the connector's task (transforms, error reporters); a failure is logged.</summary>
    protected void DisposeQuietly(params IDisposable?[] resources)
    {
        foreach (var resource in resources)
        {
            try
            {
                resource?.Dispose();
            }
            catch (Exception e)
            {
                Log.Warning(e, "Task {0}: disposing {1} failed: {2}", Id, resource!.GetType().Name, e.Message);
            }
        }
    }

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
            // A topic named by a placeholder is reported as the placeholder: GET /connectors/{name}/topics shows it.
            Context.Parent.Tell(new TaskProtocol.TopicUsed(Services.Providers.Secrets.Redact(topic)));
        }
    }

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
