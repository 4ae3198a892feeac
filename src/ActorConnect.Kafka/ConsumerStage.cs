using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace ActorConnect.Kafka;

/// <summary>
/// Blueprint of <see cref="KafkaConsumerSource"/>: one record per element.
/// </summary>
internal sealed class ConsumerStage(ConsumerSettings settings, Subscription subscription, IPartitionListener? listener)
    : ConsumerStage<ConsumedRecord>(settings, subscription, listener, buffer => buffer.Dequeue());

/// <summary>
/// One librdkafka consumer per materialization, polled without blocking; each element is what <c>take</c> removes
/// from the stage's record buffer (one record, or a batch of them).
/// </summary>
/// <remarks>
/// <para>
/// The logic polls with <c>Consume(0)</c> in a loop until its buffer is full or librdkafka has nothing, on demand and,
/// while records are buffered or held back, on a timer of <see cref="ConsumerSettings.PollInterval"/>. The timer runs even
/// when the buffer is full: then every partition is paused and polling only serves rebalances and keeps the member
/// within <c>max.poll.interval.ms</c>.
/// </para>
/// <para>
/// With nothing buffered and nothing held back there is nothing to do until a record comes, so the stage waits for one
/// inside librdkafka (<c>Consume</c> with a timeout of <see cref="ConsumerSettings.IdlePollInterval"/>), as Kafka
/// Connect's sink task blocks in <c>poll</c>: a record ends the wait at once, and an idle consumer costs one wake-up per
/// idle wait instead of a timer's tick per poll interval (a worker with 250 idle sink tasks spent 1.3 cores on those
/// ticks, and a third of a core still at 100 ms). Between waits the stage goes back to its mailbox; a command (commit,
/// seek, pause, stop) ends the wait early (<see cref="ConsumerWakeUp"/>), anything else waits for it to run out.
/// </para>
/// <para>
/// Rebalance callbacks and errors are raised by librdkafka inside <c>Consume</c> and <c>Close</c>, so they too run
/// on the stage's thread. The buffer bound counts records whatever the element is.
/// </para>
/// </remarks>
internal partial class ConsumerStage<TOut> : GraphStageWithMaterializedValue<SourceShape<TOut>, IConsumerControl>
{
    private readonly ConsumerSettings _settings;
    private readonly Subscription _subscription;
    private readonly IPartitionListener? _listener;
    private readonly Func<Queue<ConsumedRecord>, TOut> _take;

    public ConsumerStage(ConsumerSettings settings, Subscription subscription, IPartitionListener? listener, Func<Queue<ConsumedRecord>, TOut> take)
    {
        _settings = settings;
        _subscription = subscription;
        _listener = listener;
        _take = take;
        Shape = new SourceShape<TOut>(Out);
    }

    public Outlet<TOut> Out { get; } = new("kafka.consumer.out");

    public override SourceShape<TOut> Shape { get; }

    public override ILogicAndMaterializedValue<IConsumerControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var control = new ConsumerControl();
        return new LogicAndMaterializedValue<IConsumerControl>(new Logic(this, control), control);
    }

    private sealed partial class Logic : TimerGraphStageLogic
    {
        private const string PollTimer = "poll";
        private const string WaitTimer = "wait";

        /// <summary>
        /// Between two waits for records: the next wait is started by the scheduler, so that it reaches the stage through
        /// its mailbox behind what arrived meanwhile. An async callback invoked from the stage's own thread would not: the
        /// interpreter runs such events at once, up to a thousand in a row, and the mailbox would starve.
        /// </summary>
        private static readonly TimeSpan BetweenWaits = TimeSpan.FromMilliseconds(1);

        private readonly ConsumerStage<TOut> _stage;
        private readonly ConsumerSettings _settings;
        private readonly ConsumerControl _control;
        private readonly Queue<ConsumedRecord> _buffer = new();
        private readonly PartitionState _partitions = new();
        private readonly ClientLogThrottle _throttle;
        private IConsumer<byte[]?, byte[]?>? _consumer;
        private volatile Error? _fatalError;
        private Exception? _failure;
        private bool _backpressured;
        private long _fullSinceTicks = -1;
        private readonly ConsumerLag _lag;
        private int _generation;
        private bool _assignmentChanged;
        private long _unassignedSince = -1; // ticks since subscribing or giving partitions up; -1 while assigned
        private ILoggingAdapter? _log;
        private ConsumerWakeUp? _wakeUp;
        private PartitionRun? _run;

        /// <summary>A partition's state as <see cref="RunOf"/> last looked it up, and the versions it is valid for.</summary>
        private sealed record PartitionRun(TopicPartition Partition, int StateVersion, int EpochsVersion, bool Fetchable, bool PausedByUser, int Epoch);

        public Logic(ConsumerStage<TOut> stage, ConsumerControl control) : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage._settings;
            _control = control;
            _throttle = new ClientLogThrottle(_settings.LogRepeatInterval);
            _lag = new ConsumerLag(
                resetsToEnd: _settings.BuildConfig().AutoOffsetReset == AutoOffsetReset.Latest,
                isPaused: tp => _backpressured || _partitions.IsPausedByUser(tp),
                onLookupError: error => Log.Warning(
                    "Kafka consumer of group {0}: looking up offsets to measure lag failed: {1}", _settings.GroupId, error),
                _settings.Lag);
            SetHandler(stage.Out, onPull: OnPull, onDownstreamFinish: _ => CompleteStage());
        }

        /// <summary>
        /// Hides <see cref="GraphStageLogic.Log"/> so that every line of this logic, and of librdkafka through it, carries
        /// <see cref="ConsumerSettings.LogContext"/>. Made on first use on the stage's thread, as the base logger must be.
        /// </summary>
        private new ILoggingAdapter Log => _log ??= KafkaClientLogging.ForStage(base.Log, _settings.LogContext, _settings.LogDecorator);

        public override void PreStart()
        {
            var log = Log;
            try
            {
                var builder = new ConsumerBuilder<byte[]?, byte[]?>(_settings.BuildConfig())
                    .SetErrorHandler((_, error) => OnClientError(log, error))
                    .SetLogHandler((_, message) => KafkaClientLogging.Forward(log, message, _throttle))
                    .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                    .SetPartitionsRevokedHandler((consumer, partitions) => OnRevoked(consumer, partitions))
                    .SetPartitionsLostHandler((_, partitions) => OnLost(partitions));
                if (_settings.StatisticsHandler is { } statistics)
                    builder.SetStatisticsHandler((_, json) => statistics(json));
                _consumer = builder.Build();
                _wakeUp = ConsumerWakeUp.TryCreate(_consumer, out var whyNot);
                if (whyNot is not null && ConsumerWakeUp.FirstFallback())
                    log.Info("Kafka consumer of group {0}: commands wait for an idle poll to end ({1}); said once for every consumer of this process", _settings.GroupId, whyNot);
                _consumer.Subscribe(_stage._subscription.ToSubscribeList());
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }
            log.Info("Kafka consumer of group {0} subscribed to {1} ({2})", _settings.GroupId, _stage._subscription,
                _settings.BrokerFeatures.Describe());
            _unassignedSince = Environment.TickCount64;
            var runCommands = GetAsyncCallback(RunCommands);
            var wakeUp = _wakeUp;
            // The command is queued in the mailbox first, then the wait is ended, so the stage finds it when it returns.
            _control.Attach(wakeUp is null ? runCommands : () =>
            {
                runCommands();
                wakeUp.Wake();
            });
            NextPoll();
        }

        public override void PostStop()
        {
            var failure = _failure;
            _wakeUp?.Dispose(); // before the close: it holds a reference to the client
            _wakeUp = null;
            if (_consumer is { } consumer)
            {
                try
                {
                    consumer.Close(); // the revoke handler runs here: the listener commits what it wrote
                }
                catch (Exception e)
                {
                    Log.Error(e, "Closing the Kafka consumer of group {0} failed", _settings.GroupId);
                    failure ??= e;
                    consumer.Dispose();
                }
                _consumer = null;
            }
            _buffer.Clear();
            _control.PublishBuffered(0);
            _control.MarkStopped(failure);
        }

        protected override void OnTimer(object timerKey)
        {
            if (WaitTimer.Equals(timerKey))
            {
                WaitForRecords();
                return;
            }
            RunCommands(); // also covers a wake-up lost while the stage was starting
            if (JoinTimedOut())
                return;
            Poll(TimeSpan.Zero);
        }

        /// <summary>
        /// Nothing buffered, nothing held back: wait in librdkafka for the next record, up to one idle wait, then come back
        /// through the mailbox (so that what arrived meanwhile runs first) and wait again.
        /// </summary>
        private void WaitForRecords()
        {
            RunCommands();
            if (JoinTimedOut())
                return;
            Poll(NothingToDo() ? _settings.IdlePollInterval : TimeSpan.Zero);
        }

        /// <summary>Nothing is buffered or held back for backpressure: only a new record (or a command) gives work.</summary>
        private bool NothingToDo() =>
            _consumer is not null && !IsClosed(_stage.Out) && _buffer.Count == 0 && !_backpressured && _failure is null;

        /// <summary>After each poll: wait for records when there is nothing to do, or else poll on the timer.</summary>
        private void NextPoll()
        {
            if (_consumer is null || IsClosed(_stage.Out))
                return;
            if (NothingToDo())
            {
                CancelTimer(PollTimer);
                if (!IsTimerActive(WaitTimer))
                    ScheduleOnce(WaitTimer, BetweenWaits);
            }
            else if (!IsTimerActive(PollTimer))
            {
                ScheduleRepeatedly(PollTimer, _settings.PollInterval);
            }
        }

        /// <summary>No assignment for longer than <see cref="ConsumerSettings.JoinTimeout"/>: fail, so a new client is built.</summary>
        private bool JoinTimedOut()
        {
            if (_settings.JoinTimeout is not { } timeout || _unassignedSince < 0 || IsClosed(_stage.Out))
                return false;
            var waited = TimeSpan.FromMilliseconds(Environment.TickCount64 - _unassignedSince);
            if (waited < timeout)
                return false;
            Fail(new ConsumerGroupJoinTimeoutException(_settings.GroupId, waited, _control.LastError?.Reason));
            return true;
        }

        private void OnPull()
        {
            if (_buffer.Count == 0)
                Poll(TimeSpan.Zero);
            else
                Emit();
        }

        /// <summary>Polls until the buffer is full or librdkafka has nothing; the first poll may wait up to <paramref name="wait"/>.</summary>
        private void Poll(TimeSpan wait)
        {
            if (_consumer is not { } consumer || IsClosed(_stage.Out))
                return;
            if (_buffer.Count >= _settings.MaxBufferedRecords && !_backpressured)
            {
                // Full: leave the next records in librdkafka's own bounded queue (queued.max.messages.kbytes) rather than
                // pausing at once, because a pause throws that prefetched queue away and a resume must fetch it again.
                // Only a stall long enough to threaten max.poll.interval.ms pauses every partition and keeps polling.
                var now = Environment.TickCount64;
                if (_fullSinceTicks < 0)
                    _fullSinceTicks = now;
                if (now - _fullSinceTicks < _settings.StallBeforePause.TotalMilliseconds)
                {
                    Emit();
                    return;
                }
                _backpressured = true;
                UpdatePauses();
            }
            try
            {
                // With a full buffer every partition is paused; one Consume still serves rebalances and max.poll.interval.ms.
                var budget = Math.Max(1, _settings.MaxBufferedRecords - _buffer.Count);
                for (var i = 0; i < budget; i++)
                {
                    var result = consumer.Consume(i == 0 ? wait : TimeSpan.Zero);
                    if (_fatalError is { } fatal)
                    {
                        Fail(new KafkaException(fatal));
                        return;
                    }
                    if (_assignmentChanged)
                    {
                        _assignmentChanged = false;
                        UpdatePauses(); // before any record of the new assignment is looked at
                    }
                    if (result is null)
                        break;
                    Accept(result);
                }
                ReportSeekErrors(_partitions.ApplySeeks(consumer, _lag.Seeked));
                PublishLag(consumer);
            }
            catch (KafkaException e) when (!e.Error.IsFatal)
            {
                Log.Warning("Kafka consumer of group {0}: {1}", _settings.GroupId, e.Error);
                _control.PublishError(e.Error);
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }
            Emit();
        }

        private void PublishLag(IConsumer<byte[]?, byte[]?> consumer)
        {
            if (_lag.Measure(consumer) is { } lag)
                _control.PublishLag(lag);
        }

        /// <summary>Buffers a record, unless its partition should not be fetched right now: then it is fetched again later.</summary>
        private void Accept(ConsumeResult<byte[]?, byte[]?> result)
        {
            if (result.IsPartitionEOF)
                return;
            var run = RunOf(result);
            if (!run.Fetchable)
                return; // stale, or a seek will reposition the partition anyway
            if (_buffer.Count >= _settings.MaxBufferedRecords || run.PausedByUser)
            {
                // Fetched before our pause took effect: rewind so that it is read again after the resume.
                _partitions.RequestSeek(result.TopicPartitionOffset);
                return;
            }
            _buffer.Enqueue(ConsumedRecord.From(result, run.Partition.Topic, _generation, run.Epoch));
            if (_control.LastError is not null)
                _control.PublishError(null);
        }

        /// <summary>
        /// What <see cref="Accept"/> knows of a record's partition. librdkafka hands records out in runs of one partition,
        /// so the answers for the record before are kept while neither the ledger nor the applied epochs changed: looking
        /// the partition up per record (hashing its topic name for each set) cost more than the rest of Accept. Records of
        /// a run also share one topic string, so receivers compare topics by reference.
        /// </summary>
        private PartitionRun RunOf(ConsumeResult<byte[]?, byte[]?> result)
        {
            var run = _run;
            if (run is not null && run.StateVersion == _partitions.Version && run.EpochsVersion == _control.Epochs.AppliedVersion &&
                run.Partition.Partition.Value == result.Partition.Value && string.Equals(run.Partition.Topic, result.Topic, StringComparison.Ordinal))
                return run;
            var partition = result.TopicPartition;
            return _run = new PartitionRun(partition, _partitions.Version, _control.Epochs.AppliedVersion,
                _partitions.IsAssigned(partition) && !_partitions.HasPendingSeek(partition), _partitions.IsPausedByUser(partition),
                _control.Epochs.Applied(partition));
        }

        private void Emit()
        {
            if (_buffer.Count > 0 && IsAvailable(_stage.Out))
                Push(_stage.Out, _stage._take(_buffer));
            // Per record only the buffer's level changes, and it can flip the pauses only around the bound: reconciling
            // every partition's pause state for every record cost more than the record itself. Assignments, user
            // pauses and resumes reconcile through UpdatePauses on their own paths (and on every poll tick).
            if (_backpressured || _buffer.Count >= _settings.MaxBufferedRecords)
            {
                UpdatePauses();
            }
            else
            {
                _fullSinceTicks = -1;
                _control.PublishBuffered(_buffer.Count);
            }
            NextPoll();
        }

        /// <summary>Pause everything when the buffer is full, resume when it is half empty (hysteresis: no flapping).</summary>
        private void UpdatePauses()
        {
            _control.PublishBuffered(_buffer.Count);
            if (_consumer is not { } consumer)
                return;
            if (_buffer.Count < _settings.MaxBufferedRecords)
                _fullSinceTicks = -1;
            if (_buffer.Count <= _settings.MaxBufferedRecords / 2)
                _backpressured = false;
            try
            {
                _partitions.Reconcile(consumer, _backpressured);
            }
            catch (KafkaException e)
            {
                Fail(e);
            }
        }

        /// <summary>librdkafka raises errors inside Consume, on this thread; fatal ones are acted on right after it.</summary>
        private void OnClientError(ILoggingAdapter log, Error error)
        {
            if (error.IsFatal)
            {
                _fatalError = error;
                return;
            }
            KafkaClientLogging.NonFatalError(log, "consumer", error, _throttle);
            _control.PublishError(error);
        }

        private void Fail(Exception cause)
        {
            _failure ??= cause;
            FailStage(cause);
        }

        private static string Describe(IEnumerable<TopicPartition> partitions) =>
            "[" + string.Join(", ", partitions.Select(p => $"{p.Topic}-{p.Partition.Value}")) + "]";
    }
}
