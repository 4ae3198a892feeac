namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Decides how far the replication slot may be confirmed: to the end of a transaction only once every record emitted
/// for it (and for every transaction before it) was acknowledged by Kafka and its offset stored. A record counts as
/// acknowledged on <see cref="Acknowledged"/> (SourceTask.CommitRecord); its offset counts as stored on the next
/// <see cref="OffsetsStored"/> (SourceTask.Commit), which the runtime calls after the flush that follows the
/// acknowledgement. Transactions without records (other tables, skipped operations) are confirmed as soon as
/// everything before them is. Thread-safe: records are emitted on the poll thread, acknowledged on the runtime's.
/// </summary>
internal sealed class FlushTracker
{
    private readonly object _sync = new();
    private readonly LinkedList<Transaction> _pending = new();
    private readonly Dictionary<ulong, Transaction> _byCommit = new();
    private ulong _acknowledged;
    private ulong _stored;

    public FlushTracker(ulong start)
    {
        _acknowledged = start;
        _stored = start;
    }

    /// <summary>The position the slot may be confirmed to: every change before it is in Kafka with its offset stored.</summary>
    public ulong Confirmable
    {
        get
        {
            lock (_sync)
            {
                return _stored;
            }
        }
    }

    /// <summary>Records that a transaction (identified by its commit LSN) ending at <paramref name="endLsn"/> was emitted as <paramref name="records"/> records.</summary>
    public void Emitted(ulong commitLsn, ulong endLsn, int records)
    {
        lock (_sync)
        {
            var transaction = new Transaction(endLsn) { Remaining = records, HadRecords = records > 0 };
            _pending.AddLast(transaction);
            if (records > 0)
            {
                _byCommit[commitLsn] = transaction;
            }

            Advance();
        }
    }

    /// <summary>One record of the transaction committed at <paramref name="commitLsn"/> was acknowledged.</summary>
    public void Acknowledged(ulong commitLsn)
    {
        lock (_sync)
        {
            if (_byCommit.TryGetValue(commitLsn, out var transaction) && --transaction.Remaining == 0)
            {
                _byCommit.Remove(commitLsn);
                Advance();
            }
        }
    }

    /// <summary>The offsets of the records acknowledged so far are stored.</summary>
    public void OffsetsStored()
    {
        lock (_sync)
        {
            _stored = _acknowledged;
            Advance();
        }
    }

    private void Advance()
    {
        while (_pending.First is { Value: { Remaining: 0 } done })
        {
            if (!done.HadRecords && _stored != _acknowledged)
            {
                // An empty transaction after records whose offsets are not stored yet waits for them.
                return;
            }

            _pending.RemoveFirst();
            _acknowledged = done.EndLsn;
            if (!done.HadRecords)
            {
                _stored = done.EndLsn;
            }
        }
    }

    private sealed class Transaction(ulong endLsn)
    {
        public ulong EndLsn { get; } = endLsn;
        public int Remaining { get; set; }
        public bool HadRecords { get; init; }
    }
}
