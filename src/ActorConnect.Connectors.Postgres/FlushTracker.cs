namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Decides how far the replication slot may be confirmed: to the end of a transaction only once the stored offset
/// (what the runtime wrote after Kafka acknowledged the records) covers its last record, and every transaction
/// before it is covered too. The stored offset is the one truth: the runtime stores a record's offset only after Kafka
/// acknowledged it and every record before it. Transactions without records (other tables, skipped operations) are
/// confirmed as soon as everything before them is. Thread-safe: transactions are emitted on the poll thread, offsets
/// reported stored from the runtime's.
/// </summary>
internal sealed class FlushTracker(ulong start)
{
    private readonly object _sync = new();
    private readonly LinkedList<Transaction> _pending = new();
    private CdcOffset? _stored;
    private ulong _confirmable = start;

    /// <summary>The position the slot may be confirmed to: every change before it is in Kafka with its offset stored.</summary>
    public ulong Confirmable
    {
        get
        {
            lock (_sync)
            {
                return _confirmable;
            }
        }
    }

    /// <summary>A transaction committed at <paramref name="commitLsn"/> and ending at <paramref name="endLsn"/> was emitted; its last record has LSN <paramref name="lastLsn"/> (none: 0).</summary>
    public void Emitted(ulong commitLsn, ulong endLsn, ulong lastLsn, int records)
    {
        lock (_sync)
        {
            _pending.AddLast(new Transaction(commitLsn, endLsn, lastLsn, records > 0));
            Advance();
        }
    }

    /// <summary>
    /// A heartbeat record was emitted after everything before it, carrying the offset of the change before it with
    /// <c>lsn_proc</c> at <paramref name="position"/> (a position of <see cref="ChangeStream.QuietPosition"/>): once
    /// that offset, or a later one, is stored, the slot may be confirmed to <paramref name="position"/>.
    /// </summary>
    public void Heartbeat(CdcOffset offset, ulong position)
    {
        lock (_sync)
        {
            _pending.AddLast(new Transaction(offset.CommitLsn, position, offset.Lsn, true, position));
            Advance();
        }
    }

    /// <summary>The offset the runtime has stored durably (null: none yet).</summary>
    public void Stored(CdcOffset? offset)
    {
        lock (_sync)
        {
            _stored = offset;
            Advance();
        }
    }

    private void Advance()
    {
        while (_pending.First?.Value is { } first && (!first.HadRecords || Covered(first)))
        {
            _pending.RemoveFirst();
            _confirmable = Math.Max(_confirmable, first.EndLsn);
        }
    }

    // While a snapshot is being stored every record has the same LSN: only its last record's offset covers it. A
    // heartbeat shares the offset of the change before it but for lsn_proc: its own offset covers it, or any later
    // change's (stored in order after it).
    // A completed snapshot's offset (at the slot's consistent point) covers only what committed before that point.
    private bool Covered(Transaction transaction) => _stored is { InSnapshot: false } stored && (transaction.Heartbeat is { } position
        ? stored.ProcessedLsn >= position || transaction.CommitLsn < stored.CommitLsn || (transaction.CommitLsn == stored.CommitLsn && transaction.LastLsn < stored.Lsn && !stored.Snapshot)
        : transaction.CommitLsn < stored.CommitLsn || (transaction.CommitLsn == stored.CommitLsn && transaction.LastLsn <= stored.Lsn && !stored.Snapshot));

    // Heartbeat: for a heartbeat, the position its offset's lsn_proc holds.
    private sealed record Transaction(ulong CommitLsn, ulong EndLsn, ulong LastLsn, bool HadRecords, ulong? Heartbeat = null);
}
