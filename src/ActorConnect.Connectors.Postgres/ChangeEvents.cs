using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres;

/// <summary>The transaction a change belongs to: what the source block and the offset say about it.</summary>
internal sealed record TransactionInfo(long TxId, ulong CommitLsn, DateTime CommitTime, ulong ProcessedLsn)
{
    public long CommitMicros { get; } = (CommitTime.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>The values every change of the transaction puts in its source block, boxed once for all of them.</summary>
    internal object BoxedTxId { get; } = TxId;

    internal object BoxedCommitMillis { get; } = (CommitTime.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10 / 1000;

    internal object BoxedCommitMicros { get; } = (CommitTime.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10;

    internal object BoxedCommitNanos { get; } = (CommitTime.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10 * 1000;
}

/// <summary>
/// Turns decoded changes into Debezium's records: key (primary key Struct), value (envelope with before, after,
/// source, op, ts_ms) and the offset, plus the tombstone after a delete.
/// </summary>
internal sealed class ChangeEvents(PostgresConnectorConfig config, string version, ReaderWarnings? warnings = null)
{
    /// <summary>Debezium's placeholder for a TOASTed value an update did not change (the WAL does not carry it).</summary>
    public const string UnavailableValue = "__debezium_unavailable_value";

    private readonly IReadOnlyDictionary<string, object?> _partition = CdcOffset.Partition(config.Prefix);

    /// <summary>An incremental snapshot's progress while one runs (null otherwise): every offset made carries it.</summary>
    public IReadOnlyDictionary<string, object?>? Progress { get; set; }

    /// <summary>
    /// Appends the records of one row change (op c, u or d) of whole rows (<see cref="TableSchema.Row"/>) to
    /// <paramref name="into"/>, honouring skipped.operations. <paramref name="oldKeyKnown"/>: whether an update's
    /// <paramref name="before"/> holds the old key, so that a changed key can be told.
    /// </summary>
    public void Change(List<SourceRecord> into, TableSchema table, char op, Struct? before, Struct? after, TransactionInfo tx, ulong lsn, bool oldKeyKnown = true)
    {
        if (config.Skipped.Contains(op))
        {
            return;
        }

        var offset = new CdcOffset(lsn, tx.ProcessedLsn, tx.CommitLsn, tx.TxId, tx.CommitMicros, Incremental: Progress).ToMap();
        if (op == 'u' && before is not null && oldKeyKnown && table.Key is not null && !Struct.ValueEquals(table.KeyOf(before), table.KeyOf(after!)))
        {
            // A changed primary key is a delete of the old key and a create of the new one, as in Debezium, so a
            // compacted topic or a keyed consumer never keeps the old key alive.
            Change(into, table, 'd', before, null, tx, lsn);
            Change(into, table, 'c', null, after, tx, lsn);
            return;
        }

        var key = table.KeyOf(after ?? before!);
        var envelope = Envelope(table, op, before, after, tx, lsn);
        into.Add(new SourceRecord(_partition, offset, table.Topic, null, table.Key, key, table.Envelope, envelope));
        if (op == 'd' && config.Tombstones)
        {
            into.Add(new SourceRecord(_partition, offset, table.Topic, null, table.Key, key, null, null));
        }
    }

    /// <summary>Appends the truncate record (op t, no key) of one table, unless t is skipped (Debezium's default).</summary>
    public void Truncate(List<SourceRecord> into, TableSchema table, TransactionInfo tx, ulong lsn)
    {
        if (config.Skipped.Contains('t'))
        {
            return;
        }

        var offset = new CdcOffset(lsn, tx.ProcessedLsn, tx.CommitLsn, tx.TxId, tx.CommitMicros, Incremental: Progress).ToMap();
        into.Add(new SourceRecord(_partition, offset, table.Topic, null, null, null, table.Envelope, Envelope(table, 't', null, null, tx, lsn)));
    }

    /// <summary>
    /// A snapshot record (op r) of one row read at the slot's consistent point, with Debezium's marker in
    /// <c>source.snapshot</c>: "last" on the snapshot's last record (whose offset then marks the snapshot complete),
    /// else "first" on its first, else "last_in_data_collection" / "first_in_data_collection" on a table's last / first
    /// row, else "true". A blocking snapshot's records (<paramref name="streamEnd"/> set: the end of the transaction
    /// the stream paused after, committed at <c>snapshot.CommitLsn</c>) carry the same markers but the stream's offset
    /// there, so that a restart streams on after that transaction rather than snapshotting again.
    /// </summary>
    public SourceRecord Read(TableSchema table, Struct row, TransactionInfo snapshot, SnapshotPlace place, ulong? streamEnd = null)
    {
        var lsn = snapshot.CommitLsn;
        var last = place.LastOverall;
        var marker = last ? "last"
            : place.FirstOverall ? "first"
            : place.LastInTable ? "last_in_data_collection"
            : place.FirstInTable ? "first_in_data_collection"
            : "true";
        var offset = (streamEnd is { } end
            ? new CdcOffset(lsn, end, lsn, snapshot.TxId, snapshot.CommitMicros, Incremental: Progress)
            : new CdcOffset(lsn, 0, lsn, snapshot.TxId, snapshot.CommitMicros, Snapshot: true, LastSnapshotRecord: last)).ToMap();
        return new SourceRecord(_partition, offset, table.Topic, null, table.Key, table.KeyOf(row), table.Envelope,
            Envelope(table, 'r', null, row, snapshot, lsn, marker));
    }

    /// <summary>Where a snapshot row stands: first or last of the whole snapshot, of its table.</summary>
    public readonly record struct SnapshotPlace(bool FirstOverall, bool LastOverall, bool FirstInTable, bool LastInTable);

    /// <summary>
    /// A row an incremental snapshot read (op r, <c>source.snapshot</c> "incremental"), handed over in the stream's
    /// transaction <paramref name="tx"/> at the window's close (LSN <paramref name="lsn"/>); its offset carries the
    /// progress up to and including this row.
    /// </summary>
    public SourceRecord IncrementalRead(TableSchema table, Struct row, TransactionInfo tx, ulong lsn)
    {
        var offset = new CdcOffset(lsn, tx.ProcessedLsn, tx.CommitLsn, tx.TxId, tx.CommitMicros, Incremental: Progress).ToMap();
        return new SourceRecord(_partition, offset, table.Topic, null, table.Key, table.KeyOf(row), table.Envelope,
            Envelope(table, 'r', null, row, tx, lsn, "incremental"));
    }

    /// <summary>
    /// Gives records that share their LSN with the record after them (a delete and its tombstone, the delete and create
    /// of a changed key, the tables of one TRUNCATE) the offset of the change before them: a restart that finds such an
    /// offset stored sends the whole group again rather than skipping its rest. Only the last record of a group carries
    /// the group's own LSN. Debezium's offsets would skip the rest; a few duplicates are the at-least-once price.
    /// </summary>
    /// <param name="records">The records of a transaction, or of a part of it that ends where an LSN ends.</param>
    /// <param name="before">The LSN of the transaction's record before these (0: they are its first).</param>
    public static IReadOnlyList<SourceRecord> SafeOffsets(List<SourceRecord> records, long before = 0)
    {
        for (var i = 0; i < records.Count; i++)
        {
            var lsn = (long)records[i].SourceOffset![CdcOffset.LsnKey]!;
            if (i + 1 < records.Count && (long)records[i + 1].SourceOffset![CdcOffset.LsnKey]! == lsn)
            {
                records[i] = records[i] with { SourceOffset = new Dictionary<string, object?>(records[i].SourceOffset!) { [CdcOffset.LsnKey] = before } };
            }
            else
            {
                before = lsn;
            }
        }

        return records;
    }

    /// <summary>The value a column gets for a TOASTed value the WAL did not carry.</summary>
    public static object? Unavailable(TableColumn column) => column.Type.Schema.Type switch
    {
        SchemaType.String => UnavailableValue,
        SchemaType.Bytes => System.Text.Encoding.UTF8.GetBytes(UnavailableValue),
        _ => column.Type.Fallback,
    };

    /// <summary>The op field's text, without a string per change.</summary>
    private static string Op(char op) => op switch { 'c' => "c", 'u' => "u", 'd' => "d", 'r' => "r", 't' => "t", _ => op.ToString() };

    private Struct Envelope(TableSchema table, char op, Struct? before, Struct? after, TransactionInfo tx, ulong lsn, string snapshot = "false")
    {
        if (table.Unmapped.Count > 0)
        {
            warnings?.Note(table);
        }

        var nowMicros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        var source = new Struct(TableSchema.Source)
            .Put("version", version)
            .Put("connector", TableSchema.ConnectorName)
            .Put("name", config.Prefix)
            .Put("ts_ms", tx.BoxedCommitMillis)
            .Put("snapshot", snapshot)
            .Put("db", config.Database)
            .Put("sequence", $"[{(tx.ProcessedLsn == 0 ? "null" : $"\"{tx.ProcessedLsn}\"")},\"{lsn}\"]")
            .Put("ts_us", tx.BoxedCommitMicros)
            .Put("ts_ns", tx.BoxedCommitNanos)
            .Put("schema", table.SchemaName)
            .Put("table", table.TableName)
            .Put("txId", tx.BoxedTxId)
            .Put("lsn", (long)lsn);
        return new Struct(table.Envelope)
            .Put("before", table.ValueOf(before))
            .Put("after", table.ValueOf(after))
            .Put("source", source)
            .Put("op", Op(op))
            .Put("ts_ms", nowMicros / 1000)
            .Put("ts_us", nowMicros)
            .Put("ts_ns", nowMicros * 1000);
    }
}
