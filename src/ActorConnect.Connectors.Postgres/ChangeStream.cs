using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Streams the slot through pgoutput on a background task and decodes Begin / Relation / Insert / Update / Delete /
/// Truncate / Commit into committed transactions of Debezium records. pgoutput sends a transaction only once it has
/// committed, so its commit LSN, which every record's offset names, is known from its Begin; a transaction larger
/// than <c>max.batch.size</c> records is handed over in parts, so that a large one never sits in memory whole. Changes already delivered (at or before
/// <c>resumeAfter</c>: a transaction committed earlier, or the changes of the stored one up to the stored LSN) are
/// skipped, since the slot may restart behind what Kafka already holds.
/// </summary>
internal sealed class ChangeStream : IAsyncDisposable
{
    private readonly PostgresConnectorConfig _config;
    private readonly NpgsqlConnection _catalog;
    private readonly LogicalReplicationConnection _replication;
    private readonly ChangeEvents _events;
    private readonly HandOver _handOver;
    private readonly Dictionary<uint, TableSchema?> _relations = new();

    /// <summary>Each relation's columns as its last relation message described them.</summary>
    private readonly Dictionary<uint, TableCatalog.ColumnInfo[]> _relationColumns = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Snapshot? _snapshot;
    private readonly IncrementalSnapshot? _incremental;
    private readonly Signals _signals;
    private readonly Notifications _notifications;

    /// <summary>The signal table's relation and shape, once the stream has described it.</summary>
    private (uint Id, TableSchema Table)? _signal;
    private CdcOffset? _resumeAfter;
    private ulong _processed;

    /// <summary>The commit LSN of the last transaction handed over (0: none yet); a blocking snapshot's records are placed after it.</summary>
    private ulong _lastCommit;

    /// <summary>In the transaction of the stored offset: the changes up to its LSN were delivered already.</summary>
    private ulong _skipUpTo;
    private Task? _reader;

    /// <summary>Messages the reader has finished with: a change tells <see cref="QuietPosition"/> it raced with the reader.</summary>
    private long _handled;

    /// <summary>Between a Begin and the hand-over of its transaction.</summary>
    private volatile bool _inTransaction;

    private ChangeStream(PostgresConnectorConfig config, NpgsqlConnection catalog, LogicalReplicationConnection replication, string version, CdcOffset? resumeAfter,
        ulong processed, Snapshot? snapshot, IncrementalProgress? incremental, ReaderWarnings? warnings, SignalInbox? inbox)
    {
        _snapshot = snapshot;
        _events = new ChangeEvents(config, version, warnings);
        _notifications = new Notifications(config, warnings);
        _incremental = config.SignalTable is null ? null : new IncrementalSnapshot(config, catalog, _events, incremental, warnings, _notifications);
        _config = config;
        _catalog = catalog;
        _replication = replication;
        _resumeAfter = resumeAfter;
        _processed = processed;
        _handOver = new HandOver(config.QueueSize);
        _signals = new Signals(config, catalog, _events, _handOver, _incremental, inbox, warnings, _notifications);
    }

    /// <summary>The committed transactions (or parts of them), in commit order; completes (with the error, if any) when streaming ends.</summary>
    public HandOver Transactions => _handOver;

    /// <summary>What to snapshot before streaming.</summary>
    /// <param name="ThenStream">False for snapshot.mode=initial_only: the stream ends after the snapshot.</param>
    public sealed record Snapshot(bool ThenStream);

    /// <summary>
    /// Opens the replication connection, creates the slot when <paramref name="slot"/> says it is missing (exporting its
    /// snapshot when <paramref name="snapshot"/> asks for one), and starts the snapshot and the streaming on a background
    /// task. Blocking: called from the poll thread.
    /// </summary>
    public static ChangeStream Start(PostgresConnectorConfig config, NpgsqlConnection catalog, ReplicationSetup.SlotState slot, string version, CdcOffset? resumeAfter,
        Snapshot? snapshot, IncrementalProgress? incremental, ReaderWarnings? warnings = null, SignalInbox? inbox = null)
    {
        var replication = new LogicalReplicationConnection(config.ConnectionString) { WalReceiverStatusInterval = TimeSpan.FromSeconds(1) };
        var consistentPoint = slot.ConfirmedFlush;
        string? exported = null;
        try
        {
            replication.Open().GetAwaiter().GetResult();
            if (!slot.Exists)
            {
                var created = replication.CreatePgOutputReplicationSlot(config.Slot,
                    slotSnapshotInitMode: snapshot is null ? LogicalSlotSnapshotInitMode.NoExport : LogicalSlotSnapshotInitMode.Export).GetAwaiter().GetResult();
                consistentPoint = (ulong)created.ConsistentPoint;
                exported = created.SnapshotName;
            }
        }
        catch (Exception e)
        {
            replication.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw ReplicationSetup.Translate(e, config, slot.Exists ? "opening the replication connection" : $"creating replication slot '{config.Slot}'");
        }

        var stream = new ChangeStream(config, catalog, replication, version, resumeAfter, resumeAfter?.ProcessedLsn ?? consistentPoint, snapshot, incremental, warnings, inbox);
        stream._reader = Task.Run(() => stream.ReadAsync(exported, consistentPoint));
        return stream;
    }

    /// <summary>
    /// The server's position while the reader is between transactions: the latest keepalive (or the Begin about to be
    /// read), so every transaction committing after it is still to come in full, and every one before it has been
    /// handed over already; null while a transaction is being read. Call with the hand-over channel drained: then the
    /// slot may be confirmed to it once the transactions handed over are stored. This is how heartbeats advance the
    /// slot while only tables outside the publication change (PostgreSQL 15+ sends nothing for those but keepalives).
    /// </summary>
    public ulong? QuietPosition()
    {
        var handled = Interlocked.Read(ref _handled);
        if (_inTransaction)
        {
            return null;
        }

        var position = (ulong)_replication.LastReceivedLsn;
        return _inTransaction || Interlocked.Read(ref _handled) != handled || position == 0 ? null : position;
    }

    /// <summary>Tells the server the slot may be confirmed up to <paramref name="lsn"/>; sent with the next status update.</summary>
    public void Confirm(ulong lsn)
    {
        if (lsn > 0)
        {
            _replication.SetReplicationStatus(new NpgsqlLogSequenceNumber(lsn));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reader is not null)
        {
            if (await Task.WhenAny(_reader, Task.Delay(ReaderStopWait)).ConfigureAwait(false) != _reader)
            {
                await EndWalSenderAsync().ConfigureAwait(false);
            }

            await _reader.ConfigureAwait(false);
        }

        await _replication.DisposeAsync();
        await _catalog.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>How long a stop waits for the reader to see its cancellation before it ends the server's side.</summary>
    private static readonly TimeSpan ReaderStopWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Ends this stream's walsender on the server, which closes the replication connection under the reader. Npgsql
    /// ends a replication read when its token is cancelled, but a cancellation that lands while START_REPLICATION is on
    /// its way is lost (the server had no command to cancel yet), and the read then waits for good for messages on a
    /// quiet slot: seen once in CI, a task stopped just after it began streaming, whose stop never returned.
    /// </summary>
    private async Task EndWalSenderAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(_config.ConnectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var terminate = new NpgsqlCommand(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL", connection);
            terminate.Parameters.AddWithValue(_config.Slot);
            await terminate.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            // The database is gone too: the reader's connection then fails on its own.
        }
    }

    private async Task ReadAsync(string? exportedSnapshot, ulong consistentPoint)
    {
        var ct = _stop.Token;
        try
        {
            if (_snapshot is not null)
            {
                // The exported snapshot lives until the replication connection's next command: read it before streaming.
                await SnapshotReader.ReadAsync(_config, exportedSnapshot, consistentPoint, _events, _handOver, ct, notifications: _notifications);
                if (!_snapshot.ThenStream)
                {
                    _handOver.Complete();
                    return;
                }
            }
            else
            {
                // As Debezium at every start whose snapshot mode (or stored offset) asks for no snapshot.
                _notifications.Notify(Notifications.InitialSnapshot, "SKIPPED", null);
            }

            if (_incremental is not null)
            {
                await _incremental.ContinueAsync(ct);
            }

            await HandNotificationsAsync(ct);

            var options = new PgOutputReplicationOptions(_config.Publication, PgOutputProtocolVersion.V1);
            var records = new List<SourceRecord>();
            TransactionInfo? tx = null;
            var skipTransaction = false;
            // The LSN of the last record handed over in a part of the current transaction (0: none yet).
            var handedUpTo = 0L;
            await using var messages = _replication.StartReplication(new PgOutputReplicationSlot(_config.Slot), options, ct).GetAsyncEnumerator(ct);
            while (await NextAsync(messages, ct))
            {
                var message = messages.Current;
                // A part ends before a change of another LSN, so that records sharing an LSN (SafeOffsets) stay together.
                if (records.Count >= _config.BatchSize && message is not CommitMessage && tx is not null
                    && (long)(ulong)message.WalStart != CdcOffsetMap.LsnOf(records[^1].SourceOffset!))
                {
                    ChangeEvents.SafeOffsets(records, handedUpTo);
                    handedUpTo = CdcOffsetMap.LsnOf(records[^1].SourceOffset!);
                    await _handOver.WriteAsync(new CommittedTransaction(tx.CommitLsn, 0, records, Final: false), ct);
                    records = new List<SourceRecord>();
                }

                switch (message)
                {
                    case BeginMessage begin:
                        _inTransaction = true;
                        tx = new TransactionInfo(begin.TransactionXid, (ulong)begin.TransactionFinalLsn, begin.TransactionCommitTimestamp, _processed);
                        records = new List<SourceRecord>();
                        handedUpTo = 0;
                        skipTransaction = _resumeAfter is { } r && tx.CommitLsn < r.CommitLsn;
                        // A snapshot's offset holds the slot's consistent point, where a transaction may commit that the
                        // snapshot did not see: only a stream offset says which changes of its transaction were delivered.
                        _skipUpTo = _resumeAfter is { Snapshot: false } stored && tx.CommitLsn == stored.CommitLsn ? stored.Lsn : 0;
                        break;
                    case RelationMessage relation:
                        _relations[relation.RelationId] = Unchanged(relation, await DescribeAsync(relation, ct));
                        if (_signals.IsSignalTable(relation.Namespace, relation.RelationName))
                        {
                            _signal = (relation.RelationId, _relations[relation.RelationId] ?? await DescribeAsync(relation, ct, always: true) ?? throw new InvalidOperationException());
                        }

                        break;
                    case InsertMessage insert when insert.Relation.RelationId == _signal?.Id && !Delivered(message, skipTransaction):
                        var signal = await ReadRowAsync(insert.NewRow, _signal.Value.Table, false, ct);
                        if (_relations.GetValueOrDefault(insert.Relation.RelationId) is { } signalTable)
                        {
                            _events.Change(records, signalTable, 'c', null, signal, tx!, (ulong)message.WalStart);
                        }

                        await _signals.FromTableAsync(signal, tx!, (ulong)message.WalStart, records, ct);
                        break;
                    case InsertMessage insert when Captured(insert.Relation.RelationId, message, skipTransaction) is { } table:
                        var inserted = await ReadRowAsync(insert.NewRow, table, false, ct);
                        _events.Change(records, table, 'c', null, inserted, tx!, (ulong)message.WalStart);
                        _incremental?.Changed(table, null, inserted, tx!.TxId);
                        break;
                    case UpdateMessage update when Captured(update.Relation.RelationId, message, skipTransaction) is { } table:
                        var before = await OldRowAsync(update, table, ct);
                        // An old primary key tells whether a key of other columns (message.key.columns) changed only when it is the whole old row.
                        var oldKeyKnown = update is FullUpdateMessage || table.KeyWithinPrimaryKey;
                        var updated = await ReadRowAsync(update.NewRow, table, false, ct);
                        _events.Change(records, table, 'u', before, updated, tx!, (ulong)message.WalStart, oldKeyKnown);
                        _incremental?.Changed(table, oldKeyKnown ? before : null, updated, tx!.TxId);
                        break;
                    case DeleteMessage delete when Captured(delete.Relation.RelationId, message, skipTransaction) is { } table:
                        var deleted = await OldRowAsync(delete, table, ct);
                        _events.Change(records, table, 'd', deleted, null, tx!, (ulong)message.WalStart);
                        _incremental?.Changed(table, deleted, null, tx!.TxId);
                        break;
                    case TruncateMessage truncate:
                        foreach (var relation in truncate.Relations)
                        {
                            if (Captured(relation.RelationId, message, skipTransaction) is { } truncated)
                            {
                                _events.Truncate(records, truncated, tx!, (ulong)message.WalStart);
                                _incremental?.Truncated(truncated);
                            }
                        }

                        break;
                    case CommitMessage commit:
                        var emitted = new CommittedTransaction((ulong)commit.CommitLsn, (ulong)commit.TransactionEndLsn, skipTransaction ? [] : ChangeEvents.SafeOffsets(records, handedUpTo));
                        _processed = emitted.EndLsn;
                        if (_resumeAfter is { } resume && emitted.CommitLsn >= resume.CommitLsn)
                        {
                            _resumeAfter = null;
                        }

                        await _handOver.WriteAsync(emitted, ct);
                        _lastCommit = emitted.CommitLsn;
                        tx = null;
                        if (_signals.Pending)
                        {
                            // Streaming pauses here for what waits for a transaction's end (a blocking snapshot).
                            await _signals.BetweenTransactionsAsync(_lastCommit, _processed, ct);
                        }

                        await HandNotificationsAsync(ct);

                        _inTransaction = false;
                        break;
                }

                Interlocked.Increment(ref _handled);
            }

            _handOver.Complete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _handOver.Complete();
        }
        catch (Exception e)
        {
            _handOver.Complete(ReplicationSetup.Translate(e, _config, "streaming changes"));
        }
    }

    /// <summary>
    /// The next message. With signal channels besides the table, a wait for it (a quiet database) also ends when a
    /// signal arrives, which is acted on there if the stream is between transactions (else at the transaction's end).
    /// </summary>
    private async ValueTask<bool> NextAsync(IAsyncEnumerator<PgOutputReplicationMessage> messages, CancellationToken ct)
    {
        var next = messages.MoveNextAsync();
        if (next.IsCompleted || !_signals.External || _inTransaction)
        {
            return await next;
        }

        var moved = next.AsTask();
        while (true)
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var arrived = _signals.ArrivedAsync(waiting.Token);
            if (await Task.WhenAny(moved, arrived) == moved)
            {
                await waiting.CancelAsync();
                return await moved;
            }

            _inTransaction = true;
            await _signals.BetweenTransactionsAsync(_lastCommit == 0 ? _processed : _lastCommit, _processed, ct);
            await HandNotificationsAsync(ct);
            _inTransaction = false;
        }
    }

    /// <summary>Hands the sink channel's notifications sent since the last call over, after what was handed over before them.</summary>
    private async Task HandNotificationsAsync(CancellationToken ct)
    {
        if (_notifications.Take() is { Count: > 0 } records)
        {
            await _handOver.WriteAsync(CommittedTransaction.Between(records), ct);
        }
    }

    /// <summary>The table of a change when it is captured and not delivered already; null otherwise.</summary>
    private TableSchema? Captured(uint relationId, PgOutputReplicationMessage message, bool skipTransaction) =>
        Delivered(message, skipTransaction) ? null : _relations.GetValueOrDefault(relationId);

    /// <summary>True for a change the stored offset says was delivered already.</summary>
    private bool Delivered(PgOutputReplicationMessage message, bool skipTransaction) => skipTransaction || (ulong)message.WalStart <= _skipUpTo;

    private async Task<TableSchema?> DescribeAsync(RelationMessage relation, CancellationToken ct, bool always = false) =>
        always || _config.Captures(relation.Namespace, relation.RelationName)
            ? await TableCatalog.DescribeAsync(_catalog, _config, relation.RelationId, relation.Namespace, relation.RelationName,
                relation.Columns.Select(c => new TableCatalog.ColumnInfo(c.ColumnName, c.DataTypeId, c.TypeModifier)), ct)
            : null;

    /// <summary>
    /// The table a relation message describes, or the one described before when nothing changed: pgoutput sends a
    /// table's relation message again whenever the server's cache entry for it is invalidated (an ANALYZE, autovacuum),
    /// mostly with nothing changed. Keeping the same schema instances keeps the converters' caches hitting by
    /// reference; new but equal ones made the JsonConverter compare every record's schemas field by field (in one
    /// traced bench run that allocated more than the records themselves, 1.1 GB of LINQ over schema parameters).
    /// </summary>
    private TableSchema? Unchanged(RelationMessage relation, TableSchema? described)
    {
        var columns = relation.Columns.Select(c => new TableCatalog.ColumnInfo(c.ColumnName, c.DataTypeId, c.TypeModifier)).ToArray();
        var sameColumns = _relationColumns.TryGetValue(relation.RelationId, out var before) && before.SequenceEqual(columns);
        _relationColumns[relation.RelationId] = columns;
        // The same types (OID and modifier) parse the same way; the schemas also say nullability, key and enum labels.
        return sameColumns && _relations.GetValueOrDefault(relation.RelationId) is { } previous && described is not null && previous.SameShape(described)
            ? previous
            : described;
    }

    /// <summary>
    /// The old row of an update or delete, as the table's REPLICA IDENTITY has the WAL carry it: all of it (FULL), its
    /// key (DEFAULT, for a delete or a changed key), or nothing (DEFAULT, key unchanged).
    /// </summary>
    private static async ValueTask<Struct?> OldRowAsync(PgOutputReplicationMessage change, TableSchema table, CancellationToken ct) => change switch
    {
        FullUpdateMessage full => await ReadRowAsync(full.OldRow, table, false, ct),
        FullDeleteMessage full => await ReadRowAsync(full.OldRow, table, false, ct),
        IndexUpdateMessage index => await ReadRowAsync(index.Key, table, true, ct),
        KeyDeleteMessage key => await ReadRowAsync(key.Key, table, true, ct),
        _ => null,
    };

    private static async ValueTask<Struct> ReadRowAsync(ReplicationTuple tuple, TableSchema table, bool keyOnly, CancellationToken ct)
    {
        var row = new Struct(table.Row);
        var fields = table.Row.Fields;
        var i = 0;
        await foreach (var value in tuple.WithCancellation(ct))
        {
            var column = table.Columns[i];
            row.Put(fields[i++], value.Kind switch
            {
                // An old key tuple carries the key columns only; the others read as null, so required ones get their fallback.
                TupleDataKind.Null => keyOnly ? column.Type.Fallback : null,
                TupleDataKind.UnchangedToastedValue => ChangeEvents.Unavailable(column),
                _ => TableCatalog.Value(table, column, await value.Get<string>(ct)),
            });
        }

        return row;
    }
}
