using ActorConnect.Runtime.Metrics;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Kafka.ClientKeys;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Model;
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
/// the next poll waits too. Each polled record is transformed and converted under the connector's error handling
/// (SourceTaskActor.Pipeline.cs). Any unexpected exception leaves as <see cref="TaskFailedException"/> for the supervisor.
/// </summary>
public sealed partial class SourceTaskActor : TaskActorBase
{
    private readonly SourceOffsetTracker _tracker = new();
    private SourceTask? _task;
    private IConverter? _keyConverter;
    private IConverter? _valueConverter;
    private BatchHandoff<IReadOnlyList<ProducerMessage<SourceRecord>>>? _handoff;
    private Task? _streamDone;
    private bool _paused;
    private bool _stopped;
    private string? _warning;
    private bool _wantsCommitRecord = true;

    public SourceTaskActor(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle, bool paused)
        : base(id, taskType, taskConfig, connectorConfig, services, handle)
    {
        // Given at creation, not told after it: the actor starts (PreStart) on its own thread as soon as it exists, so
        // a message sent after spawning can arrive after its start, and a PAUSED task would poll (or consume) once.
        _paused = paused;

        Receive<StartTask>(_ => Guard(Start));
        Receive<PollNext>(_ => Guard(Poll));
        Receive<TaskProtocol.FlushTick>(_ => Guard(() => Flush(final: false)));
        Receive<TaskProtocol.SetPaused>(m => Guard(() => SetPaused(m.Paused)));
        Receive<TaskProtocol.Stop>(_ => Guard(StopCleanly));
    }

    public static Props Props(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle, bool paused) =>
        Akka.Actor.Props.Create(() => new SourceTaskActor(id, taskType, taskConfig, connectorConfig, services, handle, paused))
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
        Handle.CallStop();
        _handoff?.Complete();
        if (_tracker.InFlight > 0)
        {
            // The one way a graceful stop can still duplicate records: say so, and how many, so the duplicates after
            // a restart have a visible cause.
            Log.Warning("Task {0} stopped without a clean stop (it failed, or its worker ended before stopping it): {1} records sent to Kafka " +
                "but not yet acknowledged keep their offsets unstored and are sent again when the task resumes", Id, _tracker.InFlight);
        }

        try
        {
            StoreOffsets();
        }
        catch (Exception e)
        {
            Log.Warning(e, "Task {0}: could not store offsets while stopping after a failure", Id);
        }

        DisposePipeline();
    }

    private void Start()
    {
        if (Handle.IsStopping)
        {
            return;
        }

        if (AwaitBroker(StartTask.Instance) is not { } features)
        {
            return;
        }

        _keyConverter = CreateConverter(isKey: true);
        _valueConverter = CreateConverter(isKey: false);
        StartPipeline(features);
        StartProducerStream(features);

        _task = (SourceTask)Activator.CreateInstance(TaskType)!;
        // Most tasks keep the empty default; queueing a million acknowledgements for it would be pure garbage.
        _wantsCommitRecord = TaskType.GetMethod(nameof(SourceTask.CommitRecord))!.DeclaringType != typeof(SourceTask);
        Handle.Register(_task);
        _task.Initialize(new TaskContext(TaskConfig, new ConnectorOffsetReader(Services.OffsetStore, Id.Connector)));
        _task.Start(TaskConfig);
        ReportState(_paused ? ConnectState.Paused : ConnectState.Running);
        Log.Info("Task {0} started ({1})", Id, TaskType.FullName);
        Timers.StartPeriodicTimer("flush", TaskProtocol.FlushTick.Instance, Services.Worker.OffsetFlushInterval);
        Self.Tell(PollNext.Instance);
    }

    private void StartProducerStream(BrokerFeatures features)
    {
        var settings = new ProducerSettings(Services.Worker.BootstrapServersValue)
            .WithBrokerFeatures(features)
            .WithStageSettings(Services.Settings.Kafka)
            .WithProperties(Services.Clients.Task(ClientKind.Producer, ConnectorConfig))
            .WithLogContext(Logging.ConnectLogging.TaskContext(Id))
            .WithLogDecorator(RedactingLog);
        // The stage bounds the records in flight; the hand-off adds at most two poll() batches in front of it, so
        // the next poll overlaps with producing the previous one without a second, larger buffer.
        _handoff = new BatchHandoff<IReadOnlyList<ProducerMessage<SourceRecord>>>(2);
        _streamDone = _handoff.Source
            .Via(Services.Kafka.Producer<SourceRecord>(settings))
            .RunWith(Sink.ForEach<ProducerBatchResult<SourceRecord>>(OnDelivery), Context.Materializer());
    }

    private void OnDelivery(ProducerBatchResult<SourceRecord> results)
    {
        var errors = _errors;
        var written = 0;
        for (var i = 0; i < results.Messages.Count; i++)
        {
            if (results.ErrorAt(i) is null)
            {
                written++;
            }
        }

        Metrics.Written(written);
        var failed = errors is { Settings.TolerateAll: true }
            ? _tracker.Settle(results, _wantsCommitRecord, i => ProduceFailed(errors, results, i))
            : _tracker.Settle(results, _wantsCommitRecord);
        if (failed >= 0)
        {
            _tracker.Failed(new ConnectException(
                $"Kafka did not accept a record of task {Id} for topic '{results.Messages[failed].Topic}': {results.ErrorAt(failed)?.Reason}. " +
                "Offsets are stored only up to the record before it; the task restarts from there."));
        }
    }

    private void Poll()
    {
        if (_task is null || _paused || Handle.IsStopping)
        {
            return;
        }

        if (_tracker.Failure is { } failure)
        {
            throw failure;
        }

        CommitAcknowledged();
        IReadOnlyList<SourceRecord>? records;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var span = TaskTracing.Start("poll", Id);
        try
        {
            records = _task.Poll();
            TaskTracing.End(span, records?.Count ?? 0);
        }
        catch (Exception e) when (e is not RetriableException)
        {
            TaskTracing.Fail(span, 0, e, Services.Providers.Secrets);
            throw;
        }
        catch (RetriableException e)
        {
            TaskTracing.Fail(span, 0, e, Services.Providers.Secrets);
            RetryLater(PollNext.Instance, e.Message);
            return;
        }

        RetrySucceeded(_warning);

        ReportLinesAndWarning();
        if (records is { Count: > 0 })
        {
            Metrics.Polled(records.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            Send(records);
        }

        Self.Tell(PollNext.Instance);
    }

    private void ReportLinesAndWarning()
    {
        if (_task is Api.Connector.ITaskLog log)
        {
            while (log.TryTakeLine(out var line))
            {
                Log.Info("Task {0}: {1}", Id, line);
            }
        }

        if (_task is Api.Connector.ITaskWarnings { LastWarning: var warning } && warning != _warning)
        {
            _warning = warning;
            if (warning is not null)
            {
                Log.Warning("Task {0}: {1}", Id, warning);
            }

            Context.Parent.Tell(new TaskProtocol.StateChanged(Id, ConnectState.Running, warning));
        }
    }

    private void Send(IReadOnlyList<SourceRecord> records)
    {
        var batch = new SourceBatch(records.Count);
        foreach (var record in records)
        {
            ProducerMessage<SourceRecord>? message;
            try
            {
                message = TransformAndConvert(record);
            }
            catch (ToleranceExceededException)
            {
                Write(batch);
                StoreBeforeFailing();
                throw;
            }

            if (message is null)
            {
                batch.Skip(record);
            }
            else
            {
                batch.Add(message);
            }
        }

        EndBatch();
        Write(batch);
    }

    private void Write(SourceBatch batch)
    {
        if (batch.IsEmpty)
        {
            return;
        }

        _tracker.Submitted(batch.Count);
        // A full hand-off (the producer stage is full) waits on this task's own thread, which is what slows poll() down.
        switch (_handoff!.Write(batch, Handle.Stopping))
        {
            case HandoffResult.Closed:
                throw new ConnectException($"The producer of task {Id} stopped while records were being sent");
            case HandoffResult.Cancelled:
                // Stopping: the records not handed over are not acknowledged, so their offsets are not stored; they
                // were never sent either, so they do not count as in flight (a stop's warnings count what is).
                _tracker.Submitted(-batch.Count);
                break;
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
            // A skipped record's dead-letter copy must be answered before its offset is stored; if it is not yet,
            // the offsets wait for the next flush.
            if (!FlushDeadLetters())
            {
                _tracker.Restore(committable);
                return;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                Services.OffsetStore.Write(Id.Connector, committable);
            }
            catch
            {
                Metrics.OffsetCommitted(false, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                throw;
            }

            Metrics.OffsetCommitted(true, System.Diagnostics.Stopwatch.GetElapsedTime(started));
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
        Context.Parent.Tell(new TaskProtocol.StateChanged(Id, paused ? ConnectState.Paused : ConnectState.Running));
        if (!paused)
        {
            Self.Tell(PollNext.Instance);
        }
    }

    private void StopCleanly()
    {
        Handle.SignalStop();
        Timers.CancelAll();
        if (_handoff is not null && _streamDone is not null)
        {
            AwaitInFlight();
        }

        Flush(final: true);
        Handle.CallStop();
        DisposePipeline();
        _stopped = true;
        Log.Info("Task {0} stopped", Id);
        Context.Stop(Self);
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
