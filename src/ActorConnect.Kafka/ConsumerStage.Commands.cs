using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace ActorConnect.Kafka;

internal partial class ConsumerStage<TOut>
{
    /// <summary>
    /// What the materialized <see cref="IConsumerControl"/> asks of the consumer (commit, seek, pause, resume, stop), run on
    /// the stage's thread through its async callback, in the order asked.
    /// </summary>
    private sealed partial class Logic
    {
        private void RunCommands()
        {
            if (_consumer is null)
                return;
            while (_control.TryTake(out var command))
            {
                switch (command)
                {
                    case ConsumerCommand.Commit commit:
                        Commit(commit);
                        break;
                    case ConsumerCommand.Seek seek when !_partitions.IsAssigned(seek.Offset.TopicPartition):
                        _control.Epochs.Apply(seek.Offset.TopicPartition); // asked all the same: keep the counts equal
                        Log.Warning("Ignoring seek to {0}: the partition is not assigned to this consumer", seek.Offset);
                        break;
                    case ConsumerCommand.Seek seek:
                        _control.Epochs.Apply(seek.Offset.TopicPartition);
                        DropBuffered([seek.Offset.TopicPartition]);
                        _partitions.RequestSeek(seek.Offset);
                        ReportSeekErrors(_partitions.ApplySeeks(_consumer, _lag.Seeked));
                        break;
                    case ConsumerCommand.Pause pause:
                        _partitions.PauseByUser(pause.Partitions);
                        break;
                    case ConsumerCommand.Resume resume:
                        _partitions.ResumeByUser(resume.Partitions);
                        break;
                    case ConsumerCommand.Stop:
                        Log.Info("Kafka consumer of group {0} stopping on request", _settings.GroupId);
                        CompleteStage();
                        return;
                }
            }
            UpdatePauses();
        }

        private void Commit(ConsumerCommand.Commit commit)
        {
            if (commit.Offsets.Count == 0)
            {
                commit.Completion.TrySetResult();
                return;
            }
            try
            {
                _consumer!.Commit(commit.Offsets);
                commit.Completion.TrySetResult();
            }
            catch (KafkaException e)
            {
                commit.Completion.TrySetException(e);
            }
        }

        private void ReportSeekErrors(IReadOnlyList<Error> errors)
        {
            foreach (var error in errors)
            {
                Log.Warning("Kafka consumer of group {0}: seek failed: {1}", _settings.GroupId, error);
                _control.PublishError(error);
            }
        }
    }
}
