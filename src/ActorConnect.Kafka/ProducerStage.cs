using Akka.Event;
using Akka.Streams;
using Error = Confluent.Kafka.Error;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Blueprint of <see cref="KafkaProducerFlow"/>: one librdkafka producer per materialization. Elements are batches of
/// messages; each batch leaves as one <see cref="ProducerBatchResult{TPass}"/> once all its messages are reported.
/// </summary>
/// <remarks>
/// Messages are handed to librdkafka with the callback form of <c>Produce</c> (one awaited task per message
/// is several times slower). Delivery reports arrive on librdkafka's poll thread; they fill the batch's slot and only
/// the last report of a batch wakes the stage (through one async callback per burst), so the stream does per-batch,
/// not per-message, work. Batches are emitted strictly from the head of the queue, which keeps the input order.
/// The in-flight bound counts messages: a message is produced only while fewer than MaxInFlight are between being
/// produced and being emitted, except for the head batch, which always proceeds (a batch larger than the bound must
/// not wait for itself); the next batch is pulled only when everything received has been produced.
/// </remarks>
internal sealed class ProducerStage<TPass> : GraphStage<FlowShape<IReadOnlyList<ProducerMessage<TPass>>, ProducerBatchResult<TPass>>>
{
    private readonly ProducerSettings _settings;

    public ProducerStage(ProducerSettings settings)
    {
        _settings = settings;
        Shape = new FlowShape<IReadOnlyList<ProducerMessage<TPass>>, ProducerBatchResult<TPass>>(In, Out);
    }

    public Inlet<IReadOnlyList<ProducerMessage<TPass>>> In { get; } = new("kafka.producer.in");

    public Outlet<ProducerBatchResult<TPass>> Out { get; } = new("kafka.producer.out");

    public override FlowShape<IReadOnlyList<ProducerMessage<TPass>>, ProducerBatchResult<TPass>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafkaProducer");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    /// <summary>The delivery handler of one message: which slot of which batch its report fills.</summary>
    private sealed class Slot(Logic logic, ProducerBatchResult<TPass> batch, int index)
    {
        public void OnReport(DeliveryReport<byte[]?, byte[]?> report)
        {
            var last = report.Error.IsError
                ? batch.Failed(index, report.Error)
                : batch.Delivered(index, report.Partition.Value, report.Offset.Value);
            if (last)
                logic.SignalBatchDone();
        }
    }

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly ProducerStage<TPass> _stage;
        private readonly ProducerSettings _settings;
        /// <summary>
        /// Given to every message without headers: Confluent.Kafka otherwise makes a Headers (and its list) per message.
        /// Never written to: the stage's serializers are the byte-array ones, which add no headers.
        /// </summary>
        private static readonly Headers NoHeaders = new();

        private readonly Queue<ProducerBatchResult<TPass>> _queue = new();
        private readonly ClientLogThrottle _throttle;
        private readonly Action _onBatchDone;
        private readonly Action<Error> _onFatalError;
        private IProducer<byte[]?, byte[]?>? _producer;
        private ProducerBatchResult<TPass>? _producing;
        private int _nextToProduce;
        private int _inFlight;
        private int _doneSignalled;
        private bool _upstreamFinished;
        private bool _warnedAboutStripping;
        // The destination of the last message produced without a partition: Produce(string topic) would make a new
        // TopicPartition per message, and a task's records mostly go to one topic.
        private TopicPartition? _anyPartition;
        private ILoggingAdapter? _log;

        public Logic(ProducerStage<TPass> stage) : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage._settings;
            _throttle = new ClientLogThrottle(_settings.LogRepeatInterval);
            _onBatchDone = GetAsyncCallback(OnBatchDone);
            _onFatalError = GetAsyncCallback<Error>(error =>
                FailStage(new KafkaException(error)));
            SetHandlers(stage.In, stage.Out, this);
        }

        /// <summary>
        /// Hides <see cref="GraphStageLogic.Log"/> so that every line of this logic, and of librdkafka through it, carries
        /// <see cref="ProducerSettings.LogContext"/>. Made on first use on the stage's thread, as the base logger must be.
        /// </summary>
        private new ILoggingAdapter Log => _log ??= KafkaClientLogging.ForStage(base.Log, _settings.LogContext, _settings.LogDecorator);

        public override void PreStart()
        {
            var log = Log;
            try
            {
                _producer = new ProducerBuilder<byte[]?, byte[]?>(_settings.BuildConfig())
                    .SetErrorHandler((_, error) => OnClientError(log, error))
                    .SetLogHandler((_, message) => KafkaClientLogging.Forward(log, message, _throttle))
                    .Build();
            }
            catch (Exception e)
            {
                FailStage(e);
                return;
            }
            Pull(_stage.In);
        }

        public override void PostStop()
        {
            try
            {
                _producer?.Dispose();
            }
            catch (Exception e)
            {
                Log.Error(e, "Disposing the Kafka producer failed");
            }
        }

        public override void OnPush()
        {
            var messages = Grab(_stage.In);
            var batch = new ProducerBatchResult<TPass>(messages);
            _queue.Enqueue(batch);
            _producing = batch;
            _nextToProduce = 0;
            ProduceWhatFits();
            TryEmit();
        }

        public override void OnPull() => TryEmit();

        public override void OnUpstreamFinish()
        {
            _upstreamFinished = true;
            // Completion waits for every delivery report still pending: that is our flush.
            if (_queue.Count == 0)
                CompleteStage();
        }

        /// <summary>Runs on librdkafka's poll thread.</summary>
        public void SignalBatchDone()
        {
            // One wake-up per burst of completed batches: the stage clears the flag before it looks at the queue.
            if (Interlocked.Exchange(ref _doneSignalled, 1) == 0)
                _onBatchDone();
        }

        private void OnBatchDone()
        {
            Interlocked.Exchange(ref _doneSignalled, 0);
            TryEmit();
        }

        private void ProduceWhatFits()
        {
            var batch = _producing;
            if (batch is null)
                return;
            var isHead = ReferenceEquals(_queue.Peek(), batch);
            var messages = batch.Messages;
            while (_nextToProduce < messages.Count && (isHead || _inFlight < _settings.MaxInFlight))
            {
                var index = _nextToProduce++;
                _inFlight++;
                if (!Produce(batch, index))
                    return;
            }
            if (_nextToProduce == messages.Count)
                _producing = null;
        }

        /// <summary>Hands one message to librdkafka; false when the stage failed.</summary>
        private bool Produce(ProducerBatchResult<TPass> batch, int index)
        {
            var source = batch.Messages[index];
            var message = ToKafkaMessage(source);
            Error error;
            try
            {
                var handler = new Slot(this, batch, index).OnReport;
                var destination = source.Partition is { } partition
                    ? new TopicPartition(source.Topic, new Partition(partition))
                    : AnyPartitionOf(source.Topic);
                _producer!.Produce(destination, message, handler);
                return true;
            }
            catch (ProduceException<byte[]?, byte[]?> e)
            {
                error = e.Error;
            }
            catch (KafkaException e)
            {
                error = e.Error;
            }
            catch (ArgumentException e)
            {
                error = new Error(ErrorCode.Local_BadMsg, e.Message);
            }
            if (error.IsFatal)
            {
                FailStage(new KafkaException(error));
                return false;
            }
            // Refused before it reached librdkafka: it gets no report, so this is its report. The batch's last one
            // needs no wake-up: the stage looks at the queue right after producing.
            batch.Failed(index, error);
            return true;
        }

        private TopicPartition AnyPartitionOf(string topic)
        {
            if (_anyPartition is null || !string.Equals(_anyPartition.Topic, topic, StringComparison.Ordinal))
                _anyPartition = new TopicPartition(topic, Partition.Any);
            return _anyPartition;
        }

        private void TryEmit()
        {
            if (IsAvailable(_stage.Out) && _queue.Count > 0 && _queue.Peek().IsComplete)
            {
                var done = _queue.Dequeue();
                _inFlight -= done.Count;
                Push(_stage.Out, done);
                ProduceWhatFits();
            }

            if (_upstreamFinished)
            {
                if (_queue.Count == 0)
                    CompleteStage();
            }
            else if (_producing is null && _inFlight < _settings.MaxInFlight && !HasBeenPulled(_stage.In))
            {
                Pull(_stage.In);
            }
        }

        private Message<byte[]?, byte[]?> ToKafkaMessage(ProducerMessage<TPass> source)
        {
            var features = _settings.BrokerFeatures;
            var message = new Message<byte[]?, byte[]?> { Key = source.Key, Value = source.Value, Headers = NoHeaders };
            var stripped = false;
            if (source.Headers is { Count: > 0 } headers)
            {
                if (features.SupportsHeaders)
                {
                    var kafkaHeaders = new Headers();
                    foreach (var (key, value) in headers)
                        kafkaHeaders.Add(key, value);
                    message.Headers = kafkaHeaders;
                }
                else
                {
                    stripped = true;
                }
            }
            if (source.Timestamp is { } timestamp)
            {
                if (features.SupportsTimestamps)
                    message.Timestamp = new Timestamp(timestamp);
                else
                    stripped = true;
            }
            if (stripped && !_warnedAboutStripping)
            {
                _warnedAboutStripping = true;
                Log.Warning("Record headers and timestamps are stripped before producing (first seen on topic {0}): " +
                            "the broker is older than Kafka 0.10 and would drop them silently. This is logged once per producer.",
                    source.Topic);
            }
            return message;
        }

        private void OnClientError(ILoggingAdapter log, Error error)
        {
            if (error.IsFatal)
                _onFatalError(error);
            else
                KafkaClientLogging.NonFatalError(log, "producer", error, _throttle);
        }
    }
}
