using System.Globalization;
using System.Text.Json.Nodes;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Incremental snapshots by signal, DBLog's way as Debezium does them: a table is read in chunks of
/// <c>incremental.snapshot.chunk.size</c> rows by key order while streaming goes on. For each chunk a window is opened
/// (a <c>snapshot-window-open</c> row committed to the signal table), the chunk is read (its own statement, so it sees
/// everything committed before the open), and the window is closed (a <c>snapshot-window-close</c> row). The stream
/// then meets the open mark, the changes committed while the chunk was read, and the close mark, in commit order: a
/// change to a key of the chunk seen inside the window drops that key's row from the chunk (the change is newer, or
/// as new), and at the close mark the rest is handed over as op r records. So no snapshot row ever overtakes a newer
/// change. Runs on the stream's reader, between its messages; the progress goes into every offset
/// (<see cref="IncrementalProgress"/>), and a restarted stream reads on from the last row handed over. A
/// <c>pause-snapshot</c> signal stops it reading chunks (the window open then still closes and hands its rows over),
/// <c>resume-snapshot</c> reads on from the next chunk; as in Debezium, being paused is not kept in the offset, so a
/// restarted task reads on. Its progress is notified as Debezium's (<see cref="Notifications"/>, aggregate type
/// Incremental Snapshot).
/// </summary>
internal sealed partial class IncrementalSnapshot(PostgresConnectorConfig config, NpgsqlConnection connection, ChangeEvents events, IncrementalProgress? restored,
    ReaderWarnings? warnings = null, Notifications? notifications = null)
{
    /// <summary>Debezium's statuses of a table's scan (TABLE_SCAN_COMPLETED's additional_data.status).</summary>
    private const string Succeeded = "SUCCEEDED";
    private const string Empty = "EMPTY";
    private const string NoPrimaryKey = "NO_PRIMARY_KEY";
    private const string SqlException = "SQL_EXCEPTION";
    private const string UnknownSchema = "UNKNOWN_SCHEMA";

    /// <summary>While paused, at most this many streamed changes are kept for the read after the resume (the newest: only they can be unseen by it).</summary>
    private const int StreamedWhilePaused = 4096;

    private const string WindowOpen = "snapshot-window-open";
    private const string WindowClose = "snapshot-window-close";

    private readonly (string Schema, string Table) _signal = config.SignalTable!.Value;
    private readonly OrderedDictionary<string, (Struct Row, string?[] Key)> _window = new();
    private IncrementalProgress? _progress = restored;
    private Chunked? _table;
    private string? _chunkId;
    private bool _windowOpen;
    private bool _paused;

    /// <summary>The id of the last execute-snapshot signal, which Debezium's notifications carry as theirs.</summary>
    private string? _signalId = restored?.Collections[0].CorrelationId;

    /// <summary>Rows read of the table being read, and the key of the last row of the last chunk read (text forms).</summary>
    private long _rowsScanned;
    private string?[]? _chunkEnd;

    /// <summary>What the chunk in <see cref="_window"/> was read as of.</summary>
    private SnapshotVisibility? _read;

    /// <summary>
    /// The changes (transaction, key) of the table being read that the stream showed since the last chunk read, and
    /// those that read did not see: the next read may still miss a transaction the stream has shown already.
    /// </summary>
    private readonly List<(long Xid, string Key)> _streamed = new();

    /// <summary>
    /// The table being read, with the quoted name, the columns it is chunked by (its key, or the signal's surrogate key)
    /// and their types, and the signal's condition (as <c>AND (condition)</c>, or empty), which the chunk queries need.
    /// </summary>
    private sealed record Chunked(string Name, TableSchema Schema, string From, string Columns, IReadOnlyList<string> KeyColumns, IReadOnlyList<string> KeyTypes,
        IReadOnlyList<int> KeyIndexes, string Condition)
    {
        public string Key { get; } = string.Join(", ", KeyColumns);
    }

    /// <summary>True while a snapshot is under way (paused or not).</summary>
    public bool Running => _progress is not null;

    /// <summary>True while a snapshot is paused by a pause-snapshot signal.</summary>
    public bool Paused => _paused;

    /// <summary>At the stream's start: a snapshot the offset says is under way reads its next chunk.</summary>
    public async Task ContinueAsync(CancellationToken ct)
    {
        events.Progress = _progress?.ToOffset();
        if (_progress is not null)
        {
            await NextChunkAsync(ct);
        }
    }

    /// <summary>
    /// A window mark read from the signal table: at its own close mark the chunk's rows left are handed over (op r, in
    /// <paramref name="records"/>) and the next chunk is read. False for a row that is no window mark.
    /// </summary>
    public async Task<bool> WindowMarkAsync(string id, string type, TransactionInfo tx, ulong lsn, List<SourceRecord> records, CancellationToken ct)
    {
        switch (type)
        {
            case WindowOpen when _chunkId is not null && id == _chunkId + "-open":
                _windowOpen = true;
                return true;
            case WindowClose when _chunkId is not null && id == _chunkId + "-close":
                _windowOpen = false;
                _chunkId = null;
                foreach (var (_, (row, key)) in _window)
                {
                    _progress = _progress! with { LastKey = key };
                    events.Progress = _progress.ToOffset();
                    records.Add(events.IncrementalRead(_table!.Schema, row, tx, lsn));
                }

                _window.Clear();
                await NextChunkAsync(ct);
                return true;
            case WindowOpen or WindowClose:
                // A window of an earlier run: nothing to act on, nothing wrong.
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// An execute-snapshot signal (<paramref name="id"/>) of an incremental snapshot of <paramref name="tables"/>
    /// (captured, "schema.table"): they are read after those already queued, each with the signal's condition and
    /// surrogate key; reading starts when none was under way.
    /// </summary>
    public async Task ExecuteAsync(string id, SnapshotSignal signal, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var added = tables.Except(_progress?.Names ?? []).Select(t => new IncrementalProgress.Collection(t, signal.FilterFor(t), signal.SurrogateKey, id)).ToList();
        if (added.Count > 0)
        {
            var starting = _progress is null;
            _progress = _progress is null ? new IncrementalProgress(added, null, null) : _progress with { Collections = [.. _progress.Collections, .. added] };
            _signalId = id;
            events.Progress = _progress.ToOffset();
            if (starting)
            {
                Notify("STARTED", ("data_collections", Joined(_progress.Names)));
                await NextChunkAsync(ct);
            }
        }
    }

    /// <summary>A stop-snapshot signal: <paramref name="tables"/> (empty: all) are not read any further.</summary>
    public async Task StopAsync(IReadOnlyList<string> tables, CancellationToken ct)
    {
        if (_progress is not null)
        {
            var stopped = tables.Count == 0 ? _progress.Names.ToList() : tables.Where(t => _progress.Names.Contains(t)).ToList();
            await StopTablesAsync(stopped, ct);
            Notify("ABORTED", ("data_collections", Joined(stopped)));
        }
    }

    /// <summary>A pause-snapshot signal (a snapshot runs and is not paused): no further chunk is read until it is resumed.</summary>
    public void Pause()
    {
        _paused = true;
        Notify("PAUSED", ("data_collections", Joined(_progress!.Names)));
    }

    /// <summary>A resume-snapshot signal (a snapshot is paused): the next chunk is read, unless the window of the last is still open.</summary>
    public async Task ResumeAsync(CancellationToken ct)
    {
        _paused = false;
        Notify("RESUMED", ("data_collections", Joined(_progress!.Names)));
        if (_chunkId is null)
        {
            await NextChunkAsync(ct);
        }
    }

    private void Warn(string? id, string problem) =>
        warnings?.Say($"Signal '{SnapshotSignal.Shorten(id ?? "")}' (execute-snapshot): {_progress?.Current} is not snapshotted: {problem}.");

    /// <summary>
    /// A streamed change of a row by transaction <paramref name="xid"/>: inside an open window, or when the chunk's
    /// read did not see that transaction, the chunk's row of that key may be stale and is dropped.
    /// </summary>
    public void Changed(TableSchema table, Struct? before, Struct? after, long xid)
    {
        if (_progress is null || table.Key is null || table.SchemaName + "." + table.TableName != _progress.Current)
        {
            return;
        }

        if (_paused && _chunkId is null && _streamed.Count >= StreamedWhilePaused)
        {
            // Paused for long under load, the list would grow without bound; the older changes are visible to any
            // later read, so dropping them loses nothing.
            _streamed.RemoveRange(0, StreamedWhilePaused / 2);
        }

        var stale = _window.Count > 0 && (_windowOpen || _read?.Saw(xid) == false);
        foreach (var row in new[] { before, after })
        {
            if (row is not null)
            {
                var key = KeyId(table.KeyOf(row)!);
                _streamed.Add((xid, key));
                if (stale)
                {
                    _window.Remove(key);
                }
            }
        }
    }

    /// <summary>A streamed truncate: inside an open window, none of the chunk's rows exists any more.</summary>
    public void Truncated(TableSchema table)
    {
        if (_windowOpen && table.SchemaName + "." + table.TableName == _table?.Name)
        {
            _window.Clear();
        }
    }

    private async Task StopTablesAsync(IReadOnlyList<string> stopped, CancellationToken ct)
    {
        var current = _progress!.Current;
        var left = _progress.Collections.Where(c => !stopped.Contains(c.Id)).ToList();
        if (left.Count == 0)
        {
            (_progress, _chunkId, _windowOpen, _table, _paused) = (null, null, false, null, false);
            _window.Clear();
            _streamed.Clear();
            events.Progress = null;
            return;
        }

        if (left[0].Id == current)
        {
            _progress = _progress with { Collections = left };
            events.Progress = _progress.ToOffset();
            return;
        }

        // The table being read is stopped: its window's rows are not handed over, its marks are ignored.
        (_progress, _chunkId, _windowOpen, _table) = (new IncrementalProgress(left, null, null), null, false, null);
        _window.Clear();
        _streamed.Clear();
        _rowsScanned = 0;
        events.Progress = _progress.ToOffset();
        await NextChunkAsync(ct);
    }

    /// <summary>
    /// Opens a window, reads the next chunk that has rows (moving past finished tables, each notified with how its scan
    /// ended), and closes the window; when no table is left, the snapshot is over and the offsets stop carrying it.
    /// While paused, nothing.
    /// </summary>
    private async Task NextChunkAsync(CancellationToken ct)
    {
        if (_paused)
        {
            _chunkId = null;
            return;
        }

        _chunkId = Guid.NewGuid().ToString();
        var opened = DateTime.UtcNow;
        await InsertSignalAsync(_chunkId + "-open", WindowOpen, new JsonObject { ["openWindowTimestamp"] = opened.ToString("O", CultureInfo.InvariantCulture) }, ct);
        while (_progress is not null)
        {
            var status = Succeeded;
            try
            {
                if (_table?.Name != _progress.Current)
                {
                    (_table, status) = await DescribeAsync(_progress.Collections[0], ct);
                }

                if (_table is not null && _progress.KeyTypes is null)
                {
                    // The key's types decide the form the keys are stored in (Debezium's where it has one).
                    _progress = _progress with { KeyTypes = _table.KeyTypes };
                }

                if (_table is not null && _progress.MaximumKey is null)
                {
                    _progress = _progress with { MaximumKey = await MaximumKeyAsync(_table, ct) };
                    status = _progress.MaximumKey is null ? Empty : status;
                }

                if (_table is not null && _progress.MaximumKey is not null && await ReadChunkAsync(_table, ct) > 0)
                {
                    Notify("IN_PROGRESS", ("data_collections", Joined(_progress.Names)), ("current_collection_in_progress", _progress.Current),
                        ("maximum_key", Joined(_progress.MaximumKey, ",")), ("last_processed_key", Joined(_chunkEnd!, ",")));
                    break;
                }
            }
            catch (PostgresException e) when (_progress.Collections[0] is { Condition: { } condition } collection && e.SqlState[..2] is "42" or "22")
            {
                // As Debezium: a condition the database refuses (wrong SQL, an unknown column, a bad cast) ends that
                // table's snapshot, not the task.
                Warn(collection.CorrelationId, $"its additional condition '{SnapshotSignal.Shorten(condition)}' fails: {e.SqlState}: {e.MessageText}");
                (_table, _read, status) = (null, null, SqlException);
                _window.Clear();
            }

            // The table is done (or gone, or has no key): on to the next one.
            Notify("TABLE_SCAN_COMPLETED", ("data_collections", Joined(_progress.Names)), ("scanned_collection", _progress.Current),
                ("total_rows_scanned", _rowsScanned.ToString(CultureInfo.InvariantCulture)), ("status", status));
            _streamed.Clear();
            _rowsScanned = 0;
            var left = _progress.Collections.Skip(1).ToList();
            _progress = left.Count == 0 ? null : new IncrementalProgress(left, null, null);
            events.Progress = _progress?.ToOffset();
            if (_progress is null)
            {
                Notify("COMPLETED");
            }
        }

        if (_progress is null)
        {
            (_chunkId, _table) = (null, null);
            return;
        }

        events.Progress = _progress.ToOffset();
        await InsertSignalAsync(_chunkId + "-close", WindowClose, new JsonObject
        {
            ["openWindowTimestamp"] = opened.ToString("O", CultureInfo.InvariantCulture),
            ["closeWindowTimestamp"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        }, ct);
    }

    /// <summary>An Incremental Snapshot notification, with the id of the last execute-snapshot signal as Debezium gives it.</summary>
    private void Notify(string type, params (string Key, string Value)[] data) =>
        notifications?.Notify(Notifications.IncrementalSnapshot, type, _signalId, data);

    private static string Joined(IEnumerable<string?> items, string separator = ",") => string.Join(separator, items.Select(i => i ?? "<null>"));
}
