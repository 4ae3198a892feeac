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

    /// <summary>The start of every change's <c>source.sequence</c>: <c>["&lt;lsn_proc&gt;",</c> (or <c>[null,</c>).</summary>
    internal string SequencePrefix { get; } = ProcessedLsn == 0 ? "[null," : $"[\"{ProcessedLsn}\",";
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

    /// <summary>What the last offset made was of, and the entries such offsets share (see <see cref="Offset"/>).</summary>
    private (TransactionInfo? Tx, IReadOnlyDictionary<string, object?>? Progress, bool Snapshot, bool Last) _offsetOf;

    private KeyValuePair<string, object?>[] _offsetShared = [];
    private CdcOffsetMap? _lastOffset;

    /// <summary>An incremental snapshot's progress while one runs (null otherwise): every offset made carries it.</summary>
    public IReadOnlyDictionary<string, object?>? Progress { get; set; }

    /// <summary>The offset of the last change or snapshot row made into a record (null: none yet).</summary>
    public IReadOnlyDictionary<string, object?>? LastOffset => _lastOffset;

    /// <summary>The offset a change at <paramref name="lsn"/> of <paramref name="tx"/> gets.</summary>
    public IReadOnlyDictionary<string, object?> OffsetAt(TransactionInfo tx, ulong lsn) => Offset(tx, lsn);

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

        var offset = Offset(tx, lsn);
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

        var offset = Offset(tx, lsn);
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
        IReadOnlyDictionary<string, object?> offset = streamEnd is { } end
            ? new CdcOffset(lsn, end, lsn, snapshot.TxId, snapshot.CommitMicros, Incremental: Progress).ToMap()
            : Offset(snapshot, lsn, snapshot: true, last);
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
        var offset = Offset(tx, lsn);
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
            var lsn = CdcOffsetMap.LsnOf(records[i].SourceOffset!);
            if (i + 1 < records.Count && CdcOffsetMap.LsnOf(records[i + 1].SourceOffset!) == lsn)
            {
                records[i] = records[i] with
                {
                    SourceOffset = records[i].SourceOffset is CdcOffsetMap map
                        ? map.WithLsn(before)
                        : new Dictionary<string, object?>(records[i].SourceOffset!) { [CdcOffset.LsnKey] = before },
                };
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
        // By field, not by name: a name lookup per field was a fifth of building a record.
        var source = new Struct(TableSchema.Source)
            .Put(SourceFields.Version, version)
            .Put(SourceFields.Connector, TableSchema.ConnectorName)
            .Put(SourceFields.Name, config.Prefix)
            .Put(SourceFields.TsMs, tx.BoxedCommitMillis)
            .Put(SourceFields.Snapshot, snapshot)
            .Put(SourceFields.Db, config.Database)
            .Put(SourceFields.Sequence, $"{tx.SequencePrefix}\"{lsn}\"]")
            .Put(SourceFields.TsUs, tx.BoxedCommitMicros)
            .Put(SourceFields.TsNs, tx.BoxedCommitNanos)
            .Put(SourceFields.Schema, table.SchemaName)
            .Put(SourceFields.Table, table.TableName)
            .Put(SourceFields.TxId, tx.BoxedTxId)
            .Put(SourceFields.Lsn, (long)lsn);
        var fields = table.EnvelopeFields;
        return new Struct(table.Envelope)
            .Put(fields.Before, table.ValueOf(before))
            .Put(fields.After, table.ValueOf(after))
            .Put(fields.Source, source)
            .Put(fields.Op, Op(op))
            .Put(fields.TsMs, nowMicros / 1000)
            .Put(fields.TsUs, nowMicros)
            .Put(fields.TsNs, nowMicros * 1000);
    }

    /// <summary>
    /// A record's offset: the transaction's (or snapshot's) entries, shared by its records until the transaction or an
    /// incremental snapshot's progress changes (<see cref="Progress"/> is replaced, never changed in place), and the
    /// change's LSN; records of one LSN share one map.
    /// </summary>
    private CdcOffsetMap Offset(TransactionInfo tx, ulong lsn, bool snapshot = false, bool last = false)
    {
        var of = (tx, snapshot ? null : Progress, snapshot, last);
        if (!ReferenceEquals(of.tx, _offsetOf.Tx) || !ReferenceEquals(of.Item2, _offsetOf.Progress) || snapshot != _offsetOf.Snapshot || last != _offsetOf.Last)
        {
            _offsetShared = CdcOffsetMap.Shared(snapshot
                ? new CdcOffset(lsn, 0, lsn, tx.TxId, tx.CommitMicros, Snapshot: true, LastSnapshotRecord: last)
                : new CdcOffset(lsn, tx.ProcessedLsn, tx.CommitLsn, tx.TxId, tx.CommitMicros, Incremental: Progress));
            _offsetOf = of;
            _lastOffset = null;
        }

        return _lastOffset is { } previous && previous.Lsn == (long)lsn ? previous : _lastOffset = new CdcOffsetMap((long)lsn, _offsetShared);
    }

    /// <summary>The source block's fields, looked up once.</summary>
    private static class SourceFields
    {
        public static readonly Field Version = TableSchema.Source.Field("version")!;
        public static readonly Field Connector = TableSchema.Source.Field("connector")!;
        public static readonly Field Name = TableSchema.Source.Field("name")!;
        public static readonly Field TsMs = TableSchema.Source.Field("ts_ms")!;
        public static readonly Field Snapshot = TableSchema.Source.Field("snapshot")!;
        public static readonly Field Db = TableSchema.Source.Field("db")!;
        public static readonly Field Sequence = TableSchema.Source.Field("sequence")!;
        public static readonly Field TsUs = TableSchema.Source.Field("ts_us")!;
        public static readonly Field TsNs = TableSchema.Source.Field("ts_ns")!;
        public static readonly Field Schema = TableSchema.Source.Field("schema")!;
        public static readonly Field Table = TableSchema.Source.Field("table")!;
        public static readonly Field TxId = TableSchema.Source.Field("txId")!;
        public static readonly Field Lsn = TableSchema.Source.Field("lsn")!;
    }
}
