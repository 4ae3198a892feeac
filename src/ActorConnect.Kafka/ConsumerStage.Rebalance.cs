using Akka.Event;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

internal partial class ConsumerStage<TOut>
{
    /// <summary>
    /// The group's rebalance callbacks, raised by librdkafka inside <c>Consume</c> and <c>Close</c> on the stage's thread:
    /// assignment (with the listener's start offsets), revocation (with its commit) and loss, and what each does to the
    /// buffer, the pauses, the epochs and lag.
    /// </summary>
    private sealed partial class Logic
    {
        private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
        {
            _partitions.Assign(partitions);
            _unassignedSince = -1;
            foreach (var partition in partitions)
                _control.Epochs.AskAndApply(partition); // records of an earlier assignment still on their way are stale
            _lag.Forget(partitions);
            _assignmentChanged = true;
            _control.PublishGeneration(++_generation); // before the listener: it may compare generations
            _control.PublishAssignment(_partitions.Assigned);
            Log.Info("Kafka consumer of group {0} assigned {1}", _settings.GroupId, Describe(partitions));
            var answer = _stage._listener?.OnAssigned(partitions);
            if (answer?.Paused is { } paused)
            {
                _partitions.ResumeByUser(partitions.Where(p => !paused.Contains(p)));
                _partitions.PauseByUser(partitions.Where(paused.Contains));
            }

            var starts = answer?.Seeks;
            if (starts is not { Count: > 0 })
                return partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList();

            var byPartition = new Dictionary<TopicPartition, TopicPartitionOffset>();
            foreach (var start in starts)
            {
                if (_partitions.IsAssigned(start.TopicPartition))
                    byPartition[start.TopicPartition] = start;
                else
                    Log.Warning("Ignoring start offset {0}: the partition is not in the new assignment", start);
            }
            return partitions
                .Select(p => byPartition.TryGetValue(p, out var start) ? start : new TopicPartitionOffset(p, Offset.Unset))
                .ToList();
        }

        private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> revoked)
        {
            var partitions = revoked.Select(p => p.TopicPartition).ToList();
            Log.Info("Kafka consumer of group {0} revoked {1}", _settings.GroupId, Describe(partitions));
            ForgetPartitions(partitions);
            var offsets = _stage._listener?.OnRevoked(partitions);
            if (offsets is not { Count: > 0 })
                return;
            try
            {
                consumer.Commit(offsets);
            }
            catch (KafkaException e)
            {
                Log.Warning("Commit of {0} before giving the partitions up failed; their next owner reads again from the " +
                            "previous commit: {1}", Describe(offsets.Select(o => o.TopicPartition)), e.Error);
                _control.PublishError(e.Error);
            }
        }

        private void OnLost(List<TopicPartitionOffset> lost)
        {
            var partitions = lost.Select(p => p.TopicPartition).ToList();
            Log.Warning("Kafka consumer of group {0} lost {1} (no commit possible)", _settings.GroupId, Describe(partitions));
            ForgetPartitions(partitions);
            _stage._listener?.OnLost(partitions);
        }

        private void ForgetPartitions(IReadOnlyCollection<TopicPartition> partitions)
        {
            _unassignedSince = Environment.TickCount64; // eager protocol: a revocation takes every partition
            DropBuffered(partitions);
            _partitions.Remove(partitions);
            _lag.Forget(partitions);
            _control.PublishAssignment(_partitions.Assigned);
        }

        private void DropBuffered(IReadOnlyCollection<TopicPartition> partitions)
        {
            if (_buffer.Count == 0)
                return;
            var kept = _buffer.Where(r => !partitions.Contains(r.TopicPartition)).ToList();
            if (kept.Count == _buffer.Count)
                return;
            _buffer.Clear();
            foreach (var record in kept)
                _buffer.Enqueue(record);
            _control.PublishBuffered(_buffer.Count);
        }
    }
}
