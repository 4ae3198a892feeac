using ActorConnect.Runtime.Metrics;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Transforms;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Runs one sink task on its own pinned thread. The consumer stream (group <c>connect-&lt;connector&gt;</c>) hands it
/// batches through an acknowledging sink: the next batch comes only after put() returned, so a slow put backs up into
/// the consumer stage, which pauses fetching at its bound and keeps polling, and never falls out of its group.
/// Every <c>offset.flush.interval.ms</c> it asks preCommit() for safe offsets and commits them; on revocation it does
/// the same synchronously before close(), as Kafka Connect's WorkerSinkTask. Each record is converted and transformed
/// under the connector's error handling (SinkTaskActor.Pipeline.cs); a RetriableException from put() pauses the
/// partitions and delivers the same batch again after a backoff.
/// </summary>
public sealed partial class SinkTaskActor : TaskActorBase
{
    private readonly Dictionary<TopicPartition, long> _currentOffsets = new();
    private readonly OffsetContinuity _continuity = new();
    private Dictionary<TopicPartition, long> _committed = new();
    private SinkTask? _task;
    private SinkTaskContext? _context;
    private SinkPartitionListener? _listener;
    private IConsumerControl? _control;
    private ConsumerSettings? _consumerSettings;
    private Subscription? _subscription;
    private IConverter? _keyConverter;
    private IConverter? _valueConverter;
    private (IActorRef Stream, List<SinkRecord> Records, Dictionary<TopicPartition, long> Consumed)? _retry;
    private bool _pausedForRetry;
    private bool _paused;
    private bool _stopped;

    public SinkTaskActor(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle, bool paused)
        : base(id, taskType, taskConfig, connectorConfig, services, handle)
    {
        // Given at creation, not told after it: the actor starts (PreStart) on its own thread as soon as it exists, so
        // a message sent after spawning can arrive after its start, and a PAUSED task would poll (or consume) once.
        _paused = paused;

        Receive<StartTask>(_ => Guard(Start));
        Receive<SinkTaskProtocol.StreamInit>(_ => Sender.Tell(SinkTaskProtocol.StreamAck.Instance));
        Receive<IReadOnlyList<Kafka.ConsumedRecord>>(batch => Guard(() => OnBatch(batch)));
        Receive<SinkTaskProtocol.RetryPut>(_ => Guard(RetryPut));
        Receive<SinkTaskProtocol.PartitionsAssigned>(m => Guard(() => OnAssigned(m)));
        Receive<SinkTaskProtocol.PartitionsRevoked>(m => Guard(() => OnRevoked(m)));
        Receive<TaskProtocol.FlushTick>(_ => Guard(() =>
        {
            Commit();
            PublishLag();
        }));
        Receive<SinkTaskProtocol.CommitDone>(m =>
        {
            _committed = new Dictionary<TopicPartition, long>(m.Offsets);
            _continuity.Committed(m.Offsets);
            Metrics.OffsetCommitted(true, m.Elapsed);
        });
        Receive<SinkTaskProtocol.CommitFailed>(m =>
        {
            Metrics.OffsetCommitted(false, m.Elapsed);
            Log.Warning("Task {0}: offset commit failed, will retry at the next flush: {1}", Id, m.Cause.Message);
        });
        Receive<SinkTaskProtocol.StreamFailed>(m => Guard(() =>
        {
            if (m.Cause is ConsumerGroupJoinTimeoutException stuck && !Handle.IsStopping)
            {
                OnConsumerStuck(stuck);
                return;
            }

            throw new ConnectException($"The Kafka consumer of task {Id} failed: {m.Cause.Message}", m.Cause);
        }));
        Receive<SinkTaskProtocol.RestartConsumer>(_ => Guard(() =>
        {
            if (!Handle.IsStopping && _control is null)
            {
                StartConsumer();
                Log.Info("Task {0}: a new Kafka consumer joins group {1}", Id, _consumerSettings!.GroupId);
            }
        }));
        Receive<SinkTaskProtocol.StreamCompleted>(_ => { });
        Receive<TaskProtocol.SetPaused>(m => Guard(() => SetPaused(m.Paused)));
        Receive<TaskProtocol.Stop>(_ => Guard(StopCleanly));
    }

    public static Props Props(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle, bool paused) =>
        Akka.Actor.Props.Create(() => new SinkTaskActor(id, taskType, taskConfig, connectorConfig, services, handle, paused))
            .WithDispatcher(services.Settings.TaskDispatcher);

    protected override void PreStart() => Self.Tell(StartTask.Instance);

    protected override void PostStop()
    {
        _listener?.Close();
        if (!_stopped)
        {
            Handle.CallStop();
            DisposePipeline();
        }

        _control?.StopAsync();
    }

    private void Start()
    {
        if (Handle.IsStopping)
        {
            return;
        }

        var (topics, regex) = Config.ConnectorConfig.Parse(ConnectorConfig).SinkTopics();
        if (AwaitBroker(StartTask.Instance) is not { } features)
        {
            return;
        }

        _keyConverter = CreateConverter(isKey: true);
        _valueConverter = CreateConverter(isKey: false);
        StartPipeline(features);
        _task = (SinkTask)Activator.CreateInstance(TaskType)!;
        Handle.Register(_task);
        _context = new SinkTaskContext(TaskConfig, () => Self.Tell(TaskProtocol.FlushTick.Instance), CreateErrantRecordReporter());
        _task.Initialize(_context);
        _task.Start(TaskConfig);

        _consumerSettings = Services.SinkConsumerSettings(Id.Connector, ConnectorConfig, features)
            .WithDispatcher(Services.Settings.ConsumerDispatcher)
            .WithStageSettings(Services.Settings.Kafka)
            .WithJoinTimeout(Services.Settings.SinkGroupJoinTimeout)
            .WithLogContext(Logging.ConnectLogging.TaskContext(Id))
            .WithLogDecorator(RedactingLog);
        _subscription = regex is null ? Subscription.ForTopics(topics) : Subscription.ForPattern(regex);
        StartConsumer();
        Context.Parent.Tell(new TaskProtocol.StateChanged(Id, _paused ? ConnectState.Paused : ConnectState.Running));
        Log.Info("Task {0} started ({1}), consuming {2} as group {3}", Id, TaskType.FullName, _subscription, _consumerSettings.GroupId);
        Timers.StartPeriodicTimer("flush", TaskProtocol.FlushTick.Instance, Services.Worker.OffsetFlushInterval);
    }

    private void OnBatch(IReadOnlyList<Kafka.ConsumedRecord> batch)
    {
        var records = new List<SinkRecord>(batch.Count);
        // The next offset of every partition this batch moves on, records dropped or skipped included: once put()
        // returns they all count as consumed.
        var consumed = new Dictionary<TopicPartition, long>();
        Metrics.Read(batch.Count);
        BeginBatch();
        // Records come in runs of one partition (sharing one topic string): what is known of the partition is looked
        // up once per run, and its consumed offset and read position are written when the run ends, not per record.
        var run = new PartitionRun();
        foreach (var raw in batch)
        {
            if (!run.Holds(raw))
            {
                run.End(consumed, _continuity);
                run = new PartitionRun(raw, _context!.IsAssigned(new TopicPartition(raw.Topic, raw.Partition)));
                TopicUsed(raw.Topic);
            }

            // Records of partitions given up, or read before a seek or a newer assignment, belong to someone else's
            // delivery or are read again from the new position: dropping them keeps each partition in order without
            // gaps. A record merely below the offset expected is delivered: its topic was recreated or reset.
            if (!run.Assigned || _control!.IsStale(raw))
            {
                continue;
            }

            if (!run.Continues(raw))
            {
                run.Sync(_continuity);
                if (_continuity.Observe(run.Partition, raw.Epoch, raw.Offset) is { } expected)
                {
                    OffsetsMovedBackward(run.Partition, expected, raw.Offset);
                }
            }

            SinkRecord? record;
            try
            {
                record = ConvertAndTransform(raw);
            }
            catch (ToleranceExceededException)
            {
                run.End(consumed, _continuity);
                CommitBeforeFailing(records, consumed);
                throw;
            }

            run.Consumed(raw);
            if (record is not null)
            {
                records.Add(record);
            }
        }

        run.End(consumed, _continuity);
        EndBatch();
        Put(Sender, records, consumed);
    }

    private void Put(IActorRef stream, List<SinkRecord> records, Dictionary<TopicPartition, long> consumed)
    {
        if (records.Count > 0)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var span = TaskTracing.Start("put", Id);
            try
            {
                _task!.Put(records);
                TaskTracing.End(span, records.Count);
                Metrics.Sent(records.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            catch (Exception e) when (e is not RetriableException)
            {
                TaskTracing.Fail(span, records.Count, e, Services.Providers.Secrets);
                throw;
            }
            catch (RetriableException e)
            {
                TaskTracing.Fail(span, records.Count, e, Services.Providers.Secrets);
                // Same batch again later; the stream waits for our ack meanwhile, and the paused partitions fetch
                // nothing more, while the consumer keeps polling and so keeps its place in the group.
                _retry = (stream, records, consumed);
                PauseForRetry();
                RetryLater(SinkTaskProtocol.RetryPut.Instance, $"put failed with a retriable error, redelivering {records.Count} records: {e.Message}",
                    _context!.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
                return;
            }
        }

        foreach (var (tp, offset) in consumed)
        {
            _currentOffsets[tp] = offset;
        }

        ResumeAfterRetry();
        RetrySucceeded();

        stream.Tell(SinkTaskProtocol.StreamAck.Instance);
    }

    private void RetryPut()
    {
        if (_retry is { } retry)
        {
            _retry = null;
            Put(retry.Stream, retry.Records, retry.Consumed);
        }
    }

    private void PauseForRetry()
    {
        if (!_pausedForRetry && _control is not null)
        {
            _pausedForRetry = true;
            _control.Pause(_context!.Assignment.Select(SinkTaskProtocol.ToKafka).ToList());
        }
    }

    private void ResumeAfterRetry()
    {
        if (_pausedForRetry)
        {
            _pausedForRetry = false;
            if (!_paused)
            {
                _control?.Resume(_context!.NotPausedByTask.Select(SinkTaskProtocol.ToKafka).ToList());
            }
        }
    }

    private void OnAssigned(SinkTaskProtocol.PartitionsAssigned m)
    {
        var partitions = m.Partitions.Select(SinkTaskProtocol.ToApi).ToList();
        _context!.AddAssigned(partitions);
        _context.InOpen = true;
        try
        {
            _task!.Open(partitions);
        }
        finally
        {
            _context.InOpen = false;
        }

        var rewinds = _context.TakeRewinds();
        foreach (var tp in partitions)
        {
            var rewind = rewinds.FirstOrDefault(r => r.Topic == tp.Topic && r.Partition.Value == tp.Partition);
            _continuity.Assigned(tp, _control!.PositionEpoch(SinkTaskProtocol.ToKafka(tp)), rewind?.Offset.Value);
        }

        // Paused as a whole (target state or redelivery), every new partition waits too; otherwise only those the task
        // paused itself in open(). Answered here, not through the control, so the stage pauses them before reading any.
        var paused = _paused || _pausedForRetry
            ? m.Partitions
            : m.Partitions.Where(tp => _context.IsPausedByTask(SinkTaskProtocol.ToApi(tp))).ToList();
        Sender.Tell(new SinkTaskProtocol.AssignedReply(new Kafka.AssignmentStart(rewinds, paused)));
    }

    private void OnRevoked(SinkTaskProtocol.PartitionsRevoked m)
    {
        var partitions = m.Partitions.Select(SinkTaskProtocol.ToApi).Where(_context!.IsAssigned).ToList();
        IReadOnlyList<Confluent.Kafka.TopicPartitionOffset>? toCommit = null;
        if (!m.Lost && partitions.Count > 0 && FlushDeadLetters())
        {
            var current = _currentOffsets.Where(kv => partitions.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var safe = current.Count > 0 ? _task!.PreCommit(current) : current;
            toCommit = safe.Select(kv => new Confluent.Kafka.TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)).ToList();
        }

        if (partitions.Count > 0)
        {
            _task!.Close(partitions);
        }

        _context.RemoveAssigned(partitions);
        foreach (var tp in partitions)
        {
            _currentOffsets.Remove(tp);
            _committed.Remove(tp);
            Metrics.PartitionRevoked(tp.Topic, tp.Partition);
        }

        if (!m.Lost)
        {
            Sender.Tell(new SinkTaskProtocol.RevokedReply(toCommit));
        }
    }

    private void Commit()
    {
        if (_task is null || _control is null || _currentOffsets.Count == 0 ||
            _currentOffsets.All(kv => _committed.TryGetValue(kv.Key, out var c) && c == kv.Value))
        {
            return;
        }

        if (!FlushDeadLetters())
        {
            return;
        }

        var safe = _task.PreCommit(new Dictionary<TopicPartition, long>(_currentOffsets));
        if (safe.Count == 0)
        {
            return;
        }

        var snapshot = new Dictionary<TopicPartition, long>(safe);
        var self = Self;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _control.CommitAsync(snapshot.Select(kv => new Confluent.Kafka.TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)))
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? (object)new SinkTaskProtocol.CommitDone(snapshot, System.Diagnostics.Stopwatch.GetElapsedTime(started))
                : new SinkTaskProtocol.CommitFailed(t.Exception?.GetBaseException() ?? new TaskCanceledException(), System.Diagnostics.Stopwatch.GetElapsedTime(started)))
            .PipeTo(self);
    }

    /// <summary>Commits the current offsets now and waits for the commit (dead-letter copies acknowledged first).</summary>
    private void CommitNow(string what)
    {
        if (!FlushDeadLetters())
        {
            return;
        }

        var current = new Dictionary<TopicPartition, long>(_currentOffsets);
        if (current.Count == 0)
        {
            return;
        }

        var safe = _task!.PreCommit(current);
        if (safe.Count > 0 && !_control!.CommitAsync(safe.Select(kv => new Confluent.Kafka.TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)))
                .Wait(Services.Worker.OffsetFlushTimeout))
        {
            Log.Warning("Task {0}: the {1} offset commit did not finish within offset.flush.timeout.ms; the last records may be redelivered", Id, what);
        }
    }

    private void SetPaused(bool paused)
    {
        _paused = paused;
        if (_control is not null && _context is not null)
        {
            if (paused)
            {
                _control.Pause(_context.Assignment.Select(SinkTaskProtocol.ToKafka).ToList());
            }
            else if (!_pausedForRetry)
            {
                // Partitions the task paused itself stay paused; a batch waiting for redelivery resumes them after.
                _control.Resume(_context.NotPausedByTask.Select(SinkTaskProtocol.ToKafka).ToList());
            }
        }

        Context.Parent.Tell(new TaskProtocol.StateChanged(Id, paused ? ConnectState.Paused : ConnectState.Running));
    }

    private void StopCleanly()
    {
        Timers.CancelAll();
        if (_task is not null && _control is not null)
        {
            // The listener closes first: a rebalance callback waiting on this actor (its message is behind this Stop)
            // returns, so the consumer thread is free to run the final commit; then close, then stop the consumer.
            _listener!.Close();
            CommitNow("final");
            _task.Close(_context!.Assignment.ToList());
            _control.StopAsync().Wait(Services.Worker.TaskShutdownTimeout);
        }

        Handle.CallStop();
        DisposePipeline();
        _stopped = true;
        Log.Info("Task {0} stopped", Id);
        Context.Stop(Self);
    }

    // The consumer is closed while this actor stops; its revoke callback must not wait on an actor that is gone.
    protected override void OnFailing() => _listener?.Close();
}
