using ActorConnect.Api.Source;

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

    public void Submitted() => Interlocked.Increment(ref _submitted);

    /// <summary>Records an acknowledgement; the record is queued for CommitRecord only when the task wants those calls.</summary>
    public void Acknowledged(SourceRecord record, Func<RecordMetadata>? metadata)
    {
        lock (_lock)
        {
            if (Failure is null)
            {
                if (record.SourcePartition is { } partition)
                {
                    _committable[partition] = record.SourceOffset;
                }

                if (metadata is not null)
                {
                    _acked.Enqueue((record, metadata()));
                }
            }
        }

        Interlocked.Increment(ref _settled);
    }

    public void Failed(Exception error)
    {
        lock (_lock)
        {
            Failure ??= error;
        }

        Interlocked.Increment(ref _settled);
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
