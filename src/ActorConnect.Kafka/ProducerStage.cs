using Akka.Event;
using Error = Confluent.Kafka.Error;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Blueprint of <see cref="KafkaProducerFlow"/>: one librdkafka producer per materialization.
/// </summary>
/// <remarks>
/// Messages are handed to librdkafka with the callback form of <c>Produce</c> (one awaited task per message
/// is several times slower). Delivery reports arrive on librdkafka's poll thread; they mark the pending entry
/// and wake the stage through one async callback per burst, and the stage emits completed entries strictly
/// from the head of its queue so results keep the input order.
/// </remarks>
internal sealed class ProducerStage<TPass> : GraphStage<FlowShape<ProducerMessage<TPass>, ProducerResult<TPass>>>
{
    private readonly ProducerSettings _settings;

    public ProducerStage(ProducerSettings settings)
    {
        _settings = settings;
        Shape = new FlowShape<ProducerMessage<TPass>, ProducerResult<TPass>>(In, Out);
    }

    public Inlet<ProducerMessage<TPass>> In { get; } = new("kafka.producer.in");

    public Outlet<ProducerResult<TPass>> Out { get; } = new("kafka.producer.out");

    public override FlowShape<ProducerMessage<TPass>, ProducerResult<TPass>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafkaProducer");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    /// <summary>A message between Produce and the emission of its result; completed from the poll thread.</summary>
    private sealed class Pending(ProducerMessage<TPass> message)
    {
        private TopicPartitionOffset? _offset;
        private Error? _error;
        private volatile bool _done;

        public ProducerMessage<TPass> Message { get; } = message;

        public bool IsDone => _done;

        public void Complete(TopicPartitionOffset? offset, Error? error)
        {
            _offset = offset;
            _error = error;
            _done = true;
        }

        public ProducerResult<TPass> ToResult() => new(Message, _offset, _error);
    }

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly ProducerStage<TPass> _stage;
        private readonly ProducerSettings _settings;
        private readonly Queue<Pending> _queue = new();
        private readonly Action _onDelivered;
        private readonly Action<Error> _onFatalError;
        private IProducer<byte[]?, byte[]?>? _producer;
        private int _deliverySignalled;
        private bool _upstreamFinished;
        private bool _warnedAboutStripping;

        public Logic(ProducerStage<TPass> stage) : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage._settings;
            _onDelivered = GetAsyncCallback(OnDelivered);
            _onFatalError = GetAsyncCallback<Error>(error =>
                FailStage(new KafkaException(error)));
            SetHandlers(stage.In, stage.Out, this);
        }

        public override void PreStart()
        {
            var log = Log;
            try
            {
                _producer = new ProducerBuilder<byte[]?, byte[]?>(_settings.BuildConfig())
                    .SetErrorHandler((_, error) => OnClientError(log, error))
                    .SetLogHandler((_, message) => KafkaClientLogging.Forward(log, message))
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
            var pending = new Pending(Grab(_stage.In));
            _queue.Enqueue(pending);
            Produce(pending);
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

        private void Produce(Pending pending)
        {
            var source = pending.Message;
            var message = ToKafkaMessage(source);
            try
            {
                void OnReport(DeliveryReport<byte[]?, byte[]?> report) => OnDeliveryReport(pending, report);
                if (source.Partition is { } partition)
                    _producer!.Produce(new TopicPartition(source.Topic, new Partition(partition)), message, OnReport);
                else
                    _producer!.Produce(source.Topic, message, OnReport);
            }
            catch (ProduceException<byte[]?, byte[]?> e)
            {
                CompleteOrFail(pending, e.Error);
            }
            catch (KafkaException e)
            {
                CompleteOrFail(pending, e.Error);
            }
            catch (ArgumentException e)
            {
                pending.Complete(null, new Error(ErrorCode.Local_BadMsg, e.Message));
            }
        }

        private void CompleteOrFail(Pending pending, Error error)
        {
            if (error.IsFatal)
                FailStage(new KafkaException(error));
            else
                pending.Complete(null, error);
        }

        /// <summary>Runs on librdkafka's poll thread.</summary>
        private void OnDeliveryReport(Pending pending, DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError)
                pending.Complete(null, report.Error);
            else
                pending.Complete(report.TopicPartitionOffset, null);
            // One wake-up per burst of reports: the stage clears the flag before it looks at the queue.
            if (Interlocked.Exchange(ref _deliverySignalled, 1) == 0)
                _onDelivered();
        }

        private void OnDelivered()
        {
            Interlocked.Exchange(ref _deliverySignalled, 0);
            TryEmit();
        }

        private void TryEmit()
        {
            if (IsAvailable(_stage.Out) && _queue.Count > 0 && _queue.Peek().IsDone)
                Push(_stage.Out, _queue.Dequeue().ToResult());

            if (_upstreamFinished)
            {
                if (_queue.Count == 0)
                    CompleteStage();
            }
            else if (_queue.Count < _settings.MaxInFlight && !HasBeenPulled(_stage.In))
            {
                Pull(_stage.In);
            }
        }

        private Message<byte[]?, byte[]?> ToKafkaMessage(ProducerMessage<TPass> source)
        {
            var features = _settings.BrokerFeatures;
            var message = new Message<byte[]?, byte[]?> { Key = source.Key, Value = source.Value };
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
                log.Warning("Kafka producer error (librdkafka keeps retrying): {0} ({1})", error.Reason, error.Code);
        }
    }
}
