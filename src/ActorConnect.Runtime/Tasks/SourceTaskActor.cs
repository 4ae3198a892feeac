using System.Threading.Channels;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Runs one source task on its own pinned thread: poll, convert, hand to the producer stage, and every
/// <c>offset.flush.interval.ms</c> store the offsets Kafka acknowledged (with every record before them) and call
/// commit(). The producer stage's bounded buffer is the backpressure: when Kafka is slow the write below waits, so
/// the next poll waits too. Any unexpected exception leaves as <see cref="TaskFailedException"/> for the supervisor.
/// </summary>
public sealed class SourceTaskActor : ReceiveActor, IWithTimers
{
    private readonly ConnectorTaskId _id;
    private readonly Type _taskType;
    private readonly IReadOnlyDictionary<string, string> _taskConfig;
    private readonly IReadOnlyDictionary<string, string> _connectorConfig;
    private readonly TaskServices _services;
    private readonly TaskHandle _handle;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SourceOffsetTracker _tracker = new();
    private SourceTask? _task;
    private IConverter? _keyConverter;
    private IConverter? _valueConverter;
    private Channel<ProducerMessage<SourceRecord>>? _channel;
    private Task? _streamDone;
    private bool _paused;
    private bool _stopped;
    private int _retryAttempt;
    private string? _warning;

    public SourceTaskActor(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle)
    {
        _id = id;
        _taskType = taskType;
        _taskConfig = taskConfig;
        _connectorConfig = connectorConfig;
        _services = services;
        _handle = handle;

        Receive<StartTask>(_ => Guard(Start));
        Receive<PollNext>(_ => Guard(Poll));
        Receive<TaskProtocol.FlushTick>(_ => Guard(() => Flush(final: false)));
        Receive<TaskProtocol.SetPaused>(m => Guard(() => SetPaused(m.Paused)));
        Receive<TaskProtocol.Stop>(_ => Guard(StopCleanly));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle) =>
        Akka.Actor.Props.Create(() => new SourceTaskActor(id, taskType, taskConfig, connectorConfig, services, handle))
            .WithDispatcher(services.Settings.TaskDispatcher);

    protected override void PreStart() => Self.Tell(StartTask.Instance);

    protected override void PostStop()
    {
        if (_stopped)
        {
            return;
        }

        // Failed or killed: stop the connector's task and keep what Kafka already acknowledged, so a restart
        // re-sends as little as possible.
        _handle.CallStop();
        _channel?.Writer.TryComplete();
        try
        {
            StoreOffsets();
        }
        catch (Exception e)
        {
            _log.Warning(e, "Task {0}: could not store offsets while stopping after a failure", _id);
        }
    }

    private void Start()
    {
        if (_handle.IsStopping)
        {
            return;
        }

        BrokerFeatures features;
        try
        {
            features = _services.Broker.GetAsync(TimeSpan.FromSeconds(5), _handle.Stopping).GetAwaiter().GetResult();
        }
        catch (KafkaBrokerUnreachableException e)
        {
            RetryLater(StartTask.Instance, $"Waiting for Kafka: {e.Message}");
            return;
        }

        _keyConverter = _services.CreateConverter(_connectorConfig, isKey: true);
        _valueConverter = _services.CreateConverter(_connectorConfig, isKey: false);
        StartProducerStream(features);

        _task = (SourceTask)Activator.CreateInstance(_taskType)!;
        _handle.Register(_task);
        _task.Initialize(new TaskContext(_taskConfig, new ConnectorOffsetReader(_services.OffsetStore, _id.Connector)));
        _task.Start(_taskConfig);
        _retryAttempt = 0;
        Context.Parent.Tell(new TaskProtocol.StateChanged(_id, _paused ? ConnectState.Paused : ConnectState.Running));
        _log.Info("Task {0} started ({1})", _id, _taskType.FullName);
        Timers.StartPeriodicTimer("flush", TaskProtocol.FlushTick.Instance, _services.Worker.OffsetFlushInterval);
        Self.Tell(PollNext.Instance);
    }

    private void StartProducerStream(BrokerFeatures features)
    {
        var settings = new ProducerSettings(_services.Worker.BootstrapServersValue)
            .WithBrokerFeatures(features)
            .WithMaxInFlight(_services.Settings.SourceMaxInFlight)
            .WithProperties(_services.Worker.ProducerProperties)
            .WithProperties(Overrides("producer.override."));
        _channel = Channel.CreateBounded<ProducerMessage<SourceRecord>>(new BoundedChannelOptions(_services.Settings.SourceMaxInFlight)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _streamDone = ChannelSource.FromReader(_channel.Reader)
            .Via(KafkaProducerFlow.Create<SourceRecord>(settings))
            .RunWith(Sink.ForEach<ProducerResult<SourceRecord>>(OnDelivery), Context.Materializer());
    }

    private void OnDelivery(ProducerResult<SourceRecord> result)
    {
        if (result.IsDelivered && result.Offset is { } tpo)
        {
            _tracker.Acknowledged(result.Message.PassThrough, new RecordMetadata(tpo.Topic, tpo.Partition.Value, tpo.Offset.Value, null));
        }
        else
        {
            _tracker.Failed(new ConnectException(
                $"Kafka did not accept a record of task {_id} for topic '{result.Message.Topic}': {result.Error?.Reason}. " +
                "Offsets are stored only up to the record before it; the task restarts from there."));
        }
    }

    private void Poll()
    {
        if (_task is null || _paused || _handle.IsStopping)
        {
            return;
        }

        if (_tracker.Failure is { } failure)
        {
            throw failure;
        }

        CommitAcknowledged();
        IReadOnlyList<SourceRecord>? records;
        try
        {
            records = _task.Poll();
        }
        catch (RetriableException e)
        {
            RetryLater(PollNext.Instance, e.Message);
            return;
        }

        if (_retryAttempt > 0)
        {
            _retryAttempt = 0;
            Context.Parent.Tell(new TaskProtocol.StateChanged(_id, ConnectState.Running, _warning));
        }

        ReportWarning();
        if (records is { Count: > 0 })
        {
            Send(records);
        }

        Self.Tell(PollNext.Instance);
    }

    private void ReportWarning()
    {
        if (_task is Api.Connector.ITaskWarnings { LastWarning: var warning } && warning != _warning)
        {
            _warning = warning;
            if (warning is not null)
            {
                _log.Warning("Task {0}: {1}", _id, warning);
            }

            Context.Parent.Tell(new TaskProtocol.StateChanged(_id, ConnectState.Running, warning));
        }
    }

    private void Send(IReadOnlyList<SourceRecord> records)
    {
        var writer = _channel!.Writer;
        foreach (var record in records)
        {
            var key = _keyConverter!.FromConnectData(record.Topic, record.Headers, record.KeySchema, record.Key);
            var value = _valueConverter!.FromConnectData(record.Topic, record.Headers, record.ValueSchema, record.Value);
            var message = new ProducerMessage<SourceRecord>(record.Topic, record.KafkaPartition, key, value, HeaderBytes.ToKafka(record.Headers), record.Timestamp, record);
            _tracker.Submitted();
            while (!writer.TryWrite(message))
            {
                // The producer stage is full: wait on this task's own thread, which is what slows poll() down.
                try
                {
                    if (!writer.WaitToWriteAsync(_handle.Stopping).AsTask().GetAwaiter().GetResult())
                    {
                        throw new ConnectException($"The producer of task {_id} stopped while records were being sent");
                    }
                }
                catch (OperationCanceledException)
                {
                    // Stopping: the records not handed over are not acknowledged, so their offsets are not stored.
                    return;
                }
            }
        }
    }

    private void Flush(bool final)
    {
        if (_task is null)
        {
            return;
        }

        if (_tracker.Failure is { } failure && !final)
        {
            throw failure;
        }

        StoreOffsets();
        CommitAcknowledged();
    }

    private void StoreOffsets()
    {
        var committable = _tracker.TakeCommittable();
        if (committable.Count > 0)
        {
            _services.OffsetStore.Write(_id.Connector, committable);
            _task?.Commit();
        }
    }

    private void CommitAcknowledged()
    {
        foreach (var (record, metadata) in _tracker.TakeAcked())
        {
            _task!.CommitRecord(record, metadata);
        }
    }

    private void SetPaused(bool paused)
    {
        if (_paused == paused)
        {
            return;
        }

        _paused = paused;
        Context.Parent.Tell(new TaskProtocol.StateChanged(_id, paused ? ConnectState.Paused : ConnectState.Running));
        if (!paused)
        {
            Self.Tell(PollNext.Instance);
        }
    }

    private void StopCleanly()
    {
        _handle.SignalStop();
        Timers.CancelAll();
        if (_channel is not null && _streamDone is not null)
        {
            _channel.Writer.TryComplete();
            // Let records already handed to Kafka be acknowledged, so their offsets are stored now rather than re-sent.
            if (!_streamDone.Wait(_services.Worker.OffsetFlushTimeout))
            {
                _log.Warning("Task {0}: {1} records were not acknowledged within offset.flush.timeout.ms; their offsets are not stored", _id, _tracker.InFlight);
            }
        }

        Flush(final: true);
        _handle.CallStop();
        _stopped = true;
        _log.Info("Task {0} stopped", _id);
        Context.Stop(Self);
    }

    private void RetryLater(object message, string reason)
    {
        var delay = RuntimeSettings.Backoff(_retryAttempt++, _services.Settings.RetryMinBackoff, _services.Settings.RetryMaxBackoff, 0.2);
        if (_retryAttempt == 1 || _retryAttempt % 10 == 0)
        {
            _log.Warning("Task {0}: {1} (attempt {2}, retrying in {3:N0} ms)", _id, reason, _retryAttempt, delay.TotalMilliseconds);
        }

        Context.Parent.Tell(new TaskProtocol.StateChanged(_id, ConnectState.Running, reason));
        Timers.StartSingleTimer("retry", message, delay);
    }

    private IReadOnlyDictionary<string, string> Overrides(string prefix) =>
        _connectorConfig.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is not TaskFailedException)
        {
            throw new TaskFailedException(_id, e);
        }
    }

    private sealed record StartTask
    {
        public static readonly StartTask Instance = new();
    }

    private sealed record PollNext
    {
        public static readonly PollNext Instance = new();
    }

    private sealed class TaskContext(IReadOnlyDictionary<string, string> configs, IOffsetStorageReader reader) : ISourceTaskContext
    {
        public IReadOnlyDictionary<string, string> Configs => configs;

        public IOffsetStorageReader OffsetStorageReader => reader;
    }
}
