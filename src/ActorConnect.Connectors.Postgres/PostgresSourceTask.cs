using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using Npgsql.Replication;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Streams one database's changes. The first poll connects, checks (login, wal_level, REPLICATION, publication,
/// slot) and starts streaming; a problem worth retrying (database down, slot in use) is thrown as
/// <see cref="RetriableException"/> and the next poll starts over. At least once: the slot is confirmed only up to
/// transactions the stored offset covers, read back after each offset flush (<see cref="FlushTracker"/>); after a
/// restart, streaming resumes from the slot and skips what the stored offset says was delivered.
/// </summary>
public sealed class PostgresSourceTask : SourceTask, ITaskWarnings, ITaskLog
{
    private readonly object _sync = new();
    private readonly Queue<string> _warnings = new();
    private readonly ReaderWarnings _readerWarnings = new();
    private readonly CancellationTokenSource _stopping = new();
    private PostgresConnectorConfig _config = null!;
    private ChangeStream? _stream;
    private FlushTracker? _tracker;
    private CdcOffset? _lastEmitted;
    private Heartbeats? _heartbeats;
    private SignalChannels? _channels;

    /// <summary>The offset of the last record handed over (at start: the stored one); heartbeats carry it on.</summary>
    private IReadOnlyDictionary<string, object?>? _lastOffset;
    private CommittedTransaction? _current;
    private int _currentIndex;

    /// <summary>Of the transaction whose parts are being handed over: its last record's LSN and its records so far.</summary>
    private ulong _transactionLastLsn;
    private int _transactionRecords;
    private string? _lastWarning;
    private bool _snapshotDone;
    private bool _idle;

    /// <inheritdoc />
    public override string Version => PostgresConnector.AssemblyVersion;

    /// <summary>The latest warning: the unsupported keys, one per poll at first, each logged once by the runtime.</summary>
    public string? LastWarning => _lastWarning;

    /// <summary>The lines to log at INFO: what <c>log</c> signals ask, and the log channel's notifications.</summary>
    public bool TryTakeLine([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? line)
    {
        var taken = _readerWarnings.TryTakeLine(out var next);
        line = taken ? next : null;
        return taken;
    }

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _config = PostgresConnectorConfig.Parse(props);
        _heartbeats = new Heartbeats(_config);
        _channels = SignalChannels.Start(_config, _readerWarnings);
        foreach (var warning in PostgresConnectorConfig.Warnings(props))
        {
            _warnings.Enqueue(warning);
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<SourceRecord>? Poll()
    {
        var warned = TakeWarning();

        var stream = _idle ? null : _stream ?? Connect();
        var batch = new List<SourceRecord>();
        if (stream is null)
        {
            _idle = true;
            _stopping.Token.WaitHandle.WaitOne(_config.PollMs);
            return batch;
        }

        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            wait.CancelAfter(_config.PollMs);
            while (batch.Count < _config.BatchSize)
            {
                if (_current is null)
                {
                    if (!stream.Transactions.TryRead(out var next))
                    {
                        if (batch.Count > 0)
                        {
                            break;
                        }

                        if (!stream.Transactions.WaitToReadAsync(wait.Token).AsTask().GetAwaiter().GetResult())
                        {
                            // The stream ended without an error (snapshot.mode=initial_only): nothing more comes.
                            wait.Token.WaitHandle.WaitOne();
                            break;
                        }

                        continue;
                    }

                    _current = next;
                    _currentIndex = 0;
                    if (CommittedTransaction.LastOffset(next.Records) is { } lastOffset)
                    {
                        _transactionLastLsn = CdcOffset.FromMap(lastOffset)!.Lsn;
                        _transactionRecords += next.Records.Count;
                    }

                    // The slot may pass a transaction only once its final part is stored, so only that part is tracked,
                    // with the last record of the whole transaction.
                    if (next.Final)
                    {
                        _tracker!.Emitted(next.CommitLsn, next.EndLsn, _transactionLastLsn, _transactionRecords);
                        _transactionLastLsn = 0;
                        _transactionRecords = 0;
                    }
                }

                var take = Math.Min(_config.BatchSize - batch.Count, _current.Records.Count - _currentIndex);
                // By index: Skip/Take would hand AddRange an enumerator, one record at a time.
                batch.EnsureCapacity(batch.Count + take);
                for (var i = _currentIndex; i < _currentIndex + take; i++)
                {
                    batch.Add(_current.Records[i]);
                }

                _currentIndex += take;
                _lastOffset = CommittedTransaction.LastOffset(batch) ?? _lastOffset;
                if (_currentIndex == _current.Records.Count)
                {
                    // Notifications between transactions (Aside) leave where the stream is unchanged.
                    if (!_current.Aside && CdcOffset.FromMap(CommittedTransaction.LastOffset(_current.Records)) is { Snapshot: true } snapshotted)
                    {
                        // A reconnect in the middle of a snapshot starts it again; after its last record it is done.
                        _snapshotDone |= snapshotted.LastSnapshotRecord;
                    }
                    else if (!_current.Aside)
                    {
                        // A reconnect goes on after the whole transaction, or after the last record of a part of it.
                        _lastEmitted = _current.Final ? new CdcOffset(ulong.MaxValue, 0, _current.CommitLsn, 0, 0) : CdcOffset.FromMap(CommittedTransaction.LastOffset(_current.Records)) ?? _lastEmitted;
                    }

                    _current = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The poll interval passed (or the task stops) with nothing to hand over.
        }
        catch (ConnectException) when (batch.Count > 0)
        {
            // The stream ended after these records: hand them over; the next poll reports the failure.
        }
        catch (ConnectException)
        {
            Disconnect();
            throw;
        }

        if (_heartbeats!.Due && _current is null && batch.Count < _config.BatchSize)
        {
            Heartbeat(stream, batch);
        }

        stream.Confirm(_tracker!.Confirmable);
        if (_heartbeats.CheckLag() is { } lag)
        {
            _lastWarning = lag;
            warned = true;
        }

        // A warning the reader said while this poll read (a signal it could not act on, say) is shown with the records
        // after it, not a poll later: the runtime reads LastWarning once per poll, so at most one per poll, and not
        // over one this poll already showed.
        if (!warned)
        {
            TakeWarning();
        }

        return batch;
    }

    /// <summary>Shows the next queued warning as <see cref="LastWarning"/>; false when none is waiting.</summary>
    private bool TakeWarning()
    {
        if (_warnings.TryDequeue(out var warning) || _readerWarnings.TryTake(out warning))
        {
            _lastWarning = warning;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The runtime stored the offsets of acknowledged records: the stored offset says which transactions are wholly in
    /// Kafka, and the slot is confirmed to the end of the last of them.
    /// </summary>
    public override void Commit()
    {
        if (_tracker is { } tracker)
        {
            tracker.Stored(CdcOffset.FromMap(Context.OffsetStorageReader.Offset(CdcOffset.Partition(_config.Prefix))));
            lock (_sync)
            {
                _stream?.Confirm(tracker.Confirmable);
            }
        }
    }

    /// <inheritdoc />
    public override void Stop()
    {
        _stopping.Cancel();
        _heartbeats?.Dispose();
        _channels?.Dispose();
        lock (_sync)
        {
            Disconnect();
        }

        if (_config is { DropSlotOnStop: true })
        {
            DropSlot();
        }
    }

    private ChangeStream? Connect()
    {
        var connection = ReplicationSetup.Open(_config);
        try
        {
            var slot = ReplicationSetup.Prepare(connection, _config);
            // Within this task a reconnect resumes after what it already emitted; at start, after the stored offset.
            var resume = _lastEmitted ?? CdcOffset.FromMap(Context.OffsetStorageReader.Offset(CdcOffset.Partition(_config.Prefix)));
            var snapshot = SnapshotWanted(resume);
            if (snapshot is not null)
            {
                // The snapshot reads the tables as of the slot's position: stream everything after it.
                resume = null;
            }
            else if (_config.Snapshot == "initial_only")
            {
                // The snapshot is complete and this mode never streams.
                connection.Dispose();
                return null;
            }

            _tracker ??= new FlushTracker(slot.ConfirmedFlush);
            _lastOffset ??= Context.OffsetStorageReader.Offset(CdcOffset.Partition(_config.Prefix));
            // An incremental snapshot goes on from the last record handed over (at start: the stored offset).
            var incremental = IncrementalProgress.FromOffset(CdcOffset.FromMap(_lastOffset)?.Incremental);
            var stream = ChangeStream.Start(_config, connection, slot, Version, resume, snapshot, incremental, _readerWarnings, _channels?.Inbox);
            lock (_sync)
            {
                _stream = stream;
            }

            return stream;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether to snapshot before streaming, per snapshot.mode: initial, initial_only and when_needed when no offset
    /// is stored or the stored one is of a snapshot that did not finish; always on every start of the task; never
    /// (no_data, never) otherwise.
    /// </summary>
    private ChangeStream.Snapshot? SnapshotWanted(CdcOffset? stored)
    {
        if (_snapshotDone)
        {
            return null;
        }

        var wanted = _config.Snapshot switch
        {
            "initial" or "initial_only" or "when_needed" => stored is null || stored.InSnapshot,
            "always" => true,
            _ => false,
        };
        return wanted ? new ChangeStream.Snapshot(_config.Snapshot != "initial_only") : null;
    }

    /// <summary>
    /// Adds a heartbeat record after everything handed over, once the stream is between transactions with nothing
    /// waiting (else at a later poll): its offset is the last record's with <c>lsn_proc</c> at the stream's position.
    /// As Debezium, none while no offset exists yet (nothing captured nor stored) or a snapshot is incomplete.
    /// </summary>
    private void Heartbeat(ChangeStream stream, List<SourceRecord> batch)
    {
        if (_heartbeats!.RunActionQuery() is { } problem)
        {
            _lastWarning = problem;
        }

        if (CdcOffset.FromMap(_lastOffset) is not { InSnapshot: false } last)
        {
            _heartbeats.Sent();
            return;
        }

        if (stream.QuietPosition() is not { } position || stream.Transactions.Any)
        {
            return;
        }

        // After a completed snapshot the snapshot markers stay: its position is the consistent point, not a change.
        var offset = last with { ProcessedLsn = Math.Max(position, last.ProcessedLsn) };
        var record = _heartbeats.Record(offset);
        _tracker!.Heartbeat(offset, offset.ProcessedLsn);
        _lastOffset = record.SourceOffset;
        batch.Add(record);
        _heartbeats.Sent();
    }

    private void Disconnect()
    {
        var stream = _stream;
        _stream = null;
        _current = null;
        _transactionLastLsn = 0;
        _transactionRecords = 0;
        stream?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static async Task DropSlotAsync(PostgresConnectorConfig config)
    {
        await using var replication = new LogicalReplicationConnection(config.ConnectionString);
        await replication.Open();
        await replication.DropReplicationSlot(config.Slot, wait: true);
    }

    private void DropSlot()
    {
        try
        {
            DropSlotAsync(_config).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or TimeoutException)
        {
            _lastWarning = $"slot.drop.on.stop: replication slot '{_config.Slot}' could not be dropped ({e.Message}); drop it by hand: SELECT pg_drop_replication_slot('{_config.Slot}').";
        }
    }
}
