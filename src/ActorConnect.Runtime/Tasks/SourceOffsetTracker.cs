using ActorConnect.Api.Source;
using ActorConnect.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Knows which source offsets may be stored. Delivery results arrive in the order records were sent, so when a
/// record's result arrives every record sent before it is settled: its offset is committable if it and all before
/// it were acknowledged. One failed delivery freezes the committable offsets (nothing after it may be stored) and is
/// reported to the task. Results arrive on the stream's thread; the task's thread takes snapshots.
/// </summary>
internal sealed class SourceOffsetTracker
{
    private readonly object _lock = new();
    private readonly Dictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> _committable = new(Storage.SourcePartitionComparer.Instance);
    private readonly Queue<(SourceRecord Record, RecordMetadata? Metadata)> _acked = new();
    private long _submitted;
    private long _settled;

    /// <summary>The first delivery failure, if any.</summary>
    public Exception? Failure { get; private set; }

    public long InFlight => Interlocked.Read(ref _submitted) - Interlocked.Read(ref _settled);

    public void Submitted(int count) => Interlocked.Add(ref _submitted, count);

    /// <summary>
    /// Settles one batch of delivery results: the offsets of the records before the first failed one become committable
    /// (and are queued for CommitRecord when <paramref name="queueForCommitRecord"/>), and a failure freezes everything
    /// after it. With <paramref name="onTolerated"/>, failed deliveries are tolerated instead: each is handed to it (under
    /// the lock, before its offset becomes committable, so whatever it starts is ordered before the offset's storing)
    /// and settles as if written. Records the batch skipped (<see cref="SourceBatch"/>) settle in their poll position.
    /// Returns the index of the first record Kafka did not accept and that was not tolerated, or -1.
    /// </summary>
    public int Settle(ProducerBatchResult<SourceRecord> results, bool queueForCommitRecord, Action<int>? onTolerated = null)
    {
        var failed = -1;
        lock (_lock)
        {
            if (Failure is null)
            {
                var messages = results.Messages;
                var skipped = (messages as SourceBatch)?.Skipped ?? [];
                var nextSkipped = 0;
                var run = new Run();
                for (var i = 0; i < results.Count; i++)
                {
                    for (; nextSkipped < skipped.Count && skipped[nextSkipped].Position <= i; nextSkipped++)
                    {
                        Settled(ref run, skipped[nextSkipped].Record, null, queueForCommitRecord);
                    }

                    var record = messages[i].PassThrough;
                    if (!results.IsDelivered(i))
                    {
                        if (onTolerated is null)
                        {
                            failed = i;
                            break;
                        }

                        onTolerated(i);
                        Settled(ref run, record, null, queueForCommitRecord);
                        continue;
                    }

                    var written = messages[i];
                    Settled(ref run, record, queueForCommitRecord ? new RecordMetadata(written.Topic, results.PartitionAt(i), results.KafkaOffsetAt(i), null) : null,
                        queueForCommitRecord);
                }

                if (failed < 0)
                {
                    for (; nextSkipped < skipped.Count; nextSkipped++)
                    {
                        Settled(ref run, skipped[nextSkipped].Record, null, queueForCommitRecord);
                    }
                }

                Commit(run.Partition, run.Offset);
            }
        }

        Interlocked.Add(ref _settled, results.Count);
        return failed;
    }

    /// <summary>The source partition whose offset is pending, and its latest offset.</summary>
    private struct Run
    {
        public IReadOnlyDictionary<string, object?>? Partition;
        public IReadOnlyDictionary<string, object?>? Offset;
    }

    private void Settled(ref Run run, SourceRecord record, RecordMetadata? metadata, bool queueForCommitRecord)
    {
        if (queueForCommitRecord)
        {
            _acked.Enqueue((record, metadata));
        }

        // Hashing a partition map per record is most of this loop's cost: tasks reuse one map instance per
        // partition, so only the last offset of each run of the same instance is written.
        if (!ReferenceEquals(record.SourcePartition, run.Partition))
        {
            Commit(run.Partition, run.Offset);
            run.Partition = record.SourcePartition;
        }

        run.Offset = record.SourceOffset;
    }

    private void Commit(IReadOnlyDictionary<string, object?>? partition, IReadOnlyDictionary<string, object?>? offset)
    {
        if (partition is not null)
        {
            _committable[partition] = offset;
        }
    }

    /// <summary>Records the first delivery failure; nothing settled after it becomes committable.</summary>
    public void Failed(Exception error)
    {
        lock (_lock)
        {
            Failure ??= error;
        }
    }

    /// <summary>Takes the offsets that became committable since the last call.</summary>
    public IReadOnlyCollection<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> TakeCommittable()
    {
        lock (_lock)
        {
            var result = _committable.ToList();
            _committable.Clear();
            return result;
        }
    }

    /// <summary>Puts back offsets taken but not stored; a partition that became committable again since keeps its newer offset.</summary>
    public void Restore(IEnumerable<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> offsets)
    {
        lock (_lock)
        {
            foreach (var (partition, offset) in offsets)
            {
                _committable.TryAdd(partition, offset);
            }
        }
    }

    /// <summary>Takes the acknowledged records whose CommitRecord is due.</summary>
    public List<(SourceRecord Record, RecordMetadata? Metadata)> TakeAcked()
    {
        lock (_lock)
        {
            var result = _acked.ToList();
            _acked.Clear();
            return result;
        }
    }
}
