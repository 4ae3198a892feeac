using ActorConnect.Api.Sink;

namespace ActorConnect.Runtime.Tasks;

public sealed partial class SinkTaskActor
{
    /// <summary>A run of records of one partition in a consumed batch, and how far the task got in it (default: no run).</summary>
    private struct PartitionRun
    {
        private readonly string? _topic;
        private readonly int _partition;
        private int _epoch;
        private long _next; // the offset after the last record consumed in this run; 0 while none was

        public PartitionRun(Kafka.ConsumedRecord first, bool assigned)
        {
            _topic = first.Topic;
            _partition = first.Partition;
            Assigned = assigned;
        }

        public readonly TopicPartition Partition => new(_topic!, _partition);

        /// <summary>Whether the task holds the partition.</summary>
        public bool Assigned { get; }

        public readonly bool Holds(Kafka.ConsumedRecord record) => _topic is not null && ReferenceEquals(record.Topic, _topic) && record.Partition == _partition;

        /// <summary>The record directly follows the one before in the same position epoch: offsets cannot have moved backward.</summary>
        public readonly bool Continues(Kafka.ConsumedRecord record) => _next > 0 && record.Epoch == _epoch && record.Offset == _next;

        public void Consumed(Kafka.ConsumedRecord record)
        {
            _epoch = record.Epoch;
            _next = record.Offset + 1;
        }

        /// <summary>Writes the read position reached to <paramref name="continuity"/>, before it judges a record that does not continue the run.</summary>
        public readonly void Sync(OffsetContinuity continuity)
        {
            if (_next > 0)
            {
                continuity.Moved(Partition, _epoch, _next);
            }
        }

        /// <summary>Writes the run's next offset to <paramref name="consumed"/> and its read position to <paramref name="continuity"/>.</summary>
        public readonly void End(Dictionary<TopicPartition, long> consumed, OffsetContinuity continuity)
        {
            if (_next > 0)
            {
                consumed[Partition] = _next;
                continuity.Moved(Partition, _epoch, _next);
            }
        }
    }
}
