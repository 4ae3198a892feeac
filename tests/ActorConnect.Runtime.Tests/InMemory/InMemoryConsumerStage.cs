using ActorConnect.Kafka;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests.InMemory;

/// <summary>
/// The in-memory consumer stage: a member of its group that, on a timer of <see cref="ConsumerSettings.PollInterval"/>,
/// takes part in rebalances (calling the listener on its own thread, as librdkafka calls it inside a poll), fetches into
/// its bounded buffer, and emits batches of at most <c>maxBatch</c> records when downstream asks.
/// </summary>
internal sealed class InMemoryConsumerStage(InMemoryKafka kafka, ConsumerSettings settings, Subscription subscription, IPartitionListener listener, int maxBatch)
    : GraphStageWithMaterializedValue<SourceShape<IReadOnlyList<ConsumedRecord>>, IConsumerControl>
{
    private InMemoryKafka Kafka { get; } = kafka;

    private ConsumerSettings Settings { get; } = settings;

    private IPartitionListener Listener { get; } = listener;

    private int MaxBatch { get; } = maxBatch;

    public Outlet<IReadOnlyList<ConsumedRecord>> Out { get; } = new("inMemoryConsumer.out");

    public override SourceShape<IReadOnlyList<ConsumedRecord>> Shape => new(Out);

    public override ILogicAndMaterializedValue<IConsumerControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var control = new InMemoryConsumerControl(Kafka, Settings, subscription);
        return new LogicAndMaterializedValue<IConsumerControl>(new Logic(this, control), control);
    }

    private sealed class Logic : TimerGraphStageLogic
    {
        private readonly InMemoryConsumerStage _stage;
        private readonly InMemoryConsumerControl _control;
        private bool _joined;

        public Logic(InMemoryConsumerStage stage, InMemoryConsumerControl control) : base(stage.Shape)
        {
            _stage = stage;
            _control = control;
            SetHandler(stage.Out, onPull: TryEmit, onDownstreamFinish: _ => CompleteStage());
        }

        public override void PreStart()
        {
            lock (_stage.Kafka.Gate)
            {
                _control.Group.Join(_control);
                _joined = true;
            }

            ScheduleRepeatedly("poll", _stage.Settings.PollInterval);
        }

        public override void PostStop()
        {
            Exception? failure = null;
            try
            {
                LeaveGroup();
            }
            catch (Exception e)
            {
                failure = e;
            }

            _control.Shutdown(failure);
        }

        protected override void OnTimer(object timerKey)
        {
            bool stop;
            List<TopicPartition> revoke;
            lock (_stage.Kafka.Gate)
            {
                stop = _control.StopRequested;
                revoke = _control.ToRevoke();
            }

            if (stop)
            {
                CompleteStage();
                return;
            }

            if (revoke.Count > 0)
            {
                Revoke(revoke);
            }

            List<TopicPartition>? assigned;
            lock (_stage.Kafka.Gate)
            {
                assigned = _control.TakeAssignment();
            }

            if (assigned is not null)
            {
                var start = _stage.Listener.OnAssigned(assigned);
                lock (_stage.Kafka.Gate)
                {
                    _control.StartAt(start);
                }
            }

            lock (_stage.Kafka.Gate)
            {
                _control.Fetch();
            }

            TryEmit();
        }

        private void TryEmit()
        {
            if (!IsAvailable(_stage.Out))
            {
                return;
            }

            ConsumedRecord[] batch;
            lock (_stage.Kafka.Gate)
            {
                batch = new ConsumedRecord[Math.Min(_control.Buffer.Count, _stage.MaxBatch)];
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = _control.Buffer.Dequeue();
                }
            }

            if (batch.Length > 0)
            {
                Push(_stage.Out, batch);
            }
        }

        /// <summary>The listener first (with the buffered records already dropped), then its offsets are committed.</summary>
        private void Revoke(List<TopicPartition> partitions)
        {
            lock (_stage.Kafka.Gate)
            {
                _control.Revoked();
            }

            var offsets = _stage.Listener.OnRevoked(partitions);
            lock (_stage.Kafka.Gate)
            {
                if (offsets is { Count: > 0 })
                {
                    _control.Group.Commit(offsets);
                }
            }
        }

        /// <summary>Closing the consumer: a clean revoke, then the group rebalances without it.</summary>
        private void LeaveGroup()
        {
            if (!_joined)
            {
                return;
            }

            _joined = false;
            List<TopicPartition> owned;
            lock (_stage.Kafka.Gate)
            {
                owned = _control.Owned.ToList();
            }

            try
            {
                if (owned.Count > 0)
                {
                    Revoke(owned);
                }
            }
            finally
            {
                lock (_stage.Kafka.Gate)
                {
                    _control.Stopped = true;
                    _control.Group.Leave(_control);
                }
            }
        }
    }
}
