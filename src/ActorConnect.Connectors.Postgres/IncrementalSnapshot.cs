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
/// (<see cref="IncrementalProgress"/>), and a restarted stream reads on from the last row handed over.
/// </summary>
internal sealed class IncrementalSnapshot(PostgresConnectorConfig config, NpgsqlConnection connection, ChangeEvents events, IncrementalProgress? restored,
    ReaderWarnings? warnings = null)
{
    private const string WindowOpen = "snapshot-window-open";
    private const string WindowClose = "snapshot-window-close";

    private readonly (string Schema, string Table) _signal = config.SignalTable!.Value;
    private readonly OrderedDictionary<string, (Struct Row, string?[] Key)> _window = new();
    private IncrementalProgress? _progress = restored;
    private Chunked? _table;
    private string? _chunkId;
    private bool _windowOpen;

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

    /// <summary>At the stream's start: a snapshot the offset says is under way reads its next chunk.</summary>
    public async Task ResumeAsync(CancellationToken ct)
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
            events.Progress = _progress.ToOffset();
            if (starting)
            {
                await NextChunkAsync(ct);
            }
        }
    }

    /// <summary>A stop-snapshot signal: <paramref name="tables"/> (empty: all) are not read any further.</summary>
    public async Task StopAsync(IReadOnlyList<string> tables, CancellationToken ct)
    {
        if (_progress is not null)
        {
            await StopTablesAsync(tables.Count == 0 ? _progress.Names.ToList() : tables, ct);
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
            (_progress, _chunkId, _windowOpen, _table) = (null, null, false, null);
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
        events.Progress = _progress.ToOffset();
        await NextChunkAsync(ct);
    }

    /// <summary>
    /// Opens a window, reads the next non-empty chunk (moving past finished tables), and closes the window; when no
    /// table is left, the snapshot is over and the offsets stop carrying it.
    /// </summary>
    private async Task NextChunkAsync(CancellationToken ct)
    {
        _chunkId = Guid.NewGuid().ToString();
        var opened = DateTime.UtcNow;
        await InsertSignalAsync(_chunkId + "-open", WindowOpen, new JsonObject { ["openWindowTimestamp"] = opened.ToString("O", CultureInfo.InvariantCulture) }, ct);
        while (_progress is not null)
        {
            try
            {
                _table = _table?.Name == _progress.Current ? _table : await DescribeAsync(_progress.Collections[0], ct);
                if (_table is not null && _progress.KeyTypes is null)
                {
                    // The key's types decide the form the keys are stored in (Debezium's where it has one).
                    _progress = _progress with { KeyTypes = _table.KeyTypes };
                }

                if (_table is not null && _progress.MaximumKey is null)
                {
                    _progress = _progress with { MaximumKey = await MaximumKeyAsync(_table, ct) };
                }

                if (_table is not null && _progress.MaximumKey is not null && await ReadChunkAsync(_table, ct) > 0)
                {
                    break;
                }
            }
            catch (PostgresException e) when (_progress.Collections[0] is { Condition: { } condition } collection && e.SqlState[..2] is "42" or "22")
            {
                // As Debezium: a condition the database refuses (wrong SQL, an unknown column, a bad cast) ends that
                // table's snapshot, not the task.
                Warn(collection.CorrelationId, $"its additional condition '{SnapshotSignal.Shorten(condition)}' fails: {e.SqlState}: {e.MessageText}");
                (_table, _read) = (null, null);
                _window.Clear();
            }

            // The table is done (or gone, or has no key): on to the next one.
            _streamed.Clear();
            var left = _progress.Collections.Skip(1).ToList();
            _progress = left.Count == 0 ? null : new IncrementalProgress(left, null, null);
            events.Progress = _progress?.ToOffset();
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

    private async Task<int> ReadChunkAsync(Chunked table, CancellationToken ct)
    {
        var keys = string.Join(", ", table.KeyTypes.Select((type, i) => $"@k{i}::{type}"));
        var maximum = string.Join(", ", table.KeyTypes.Select((type, i) => $"@m{i}::{type}"));
        var after = _progress!.LastKey is null ? "" : $"({table.Key}) > ({keys}) AND ";
        // One REPEATABLE READ transaction, so the snapshot asked for is the one the chunk is read as of.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var snapshot = new NpgsqlCommand("SELECT txid_current_snapshot()::text", connection, transaction))
        {
            _read = SnapshotVisibility.Parse((string)(await snapshot.ExecuteScalarAsync(ct))!);
        }

        await using var cmd = new NpgsqlCommand(
            $"SELECT {table.Columns} FROM {table.From} WHERE {after}({table.Key}) <= ({maximum}){table.Condition} ORDER BY {table.Key} LIMIT {config.IncrementalChunkSize}",
            connection, transaction);
        for (var i = 0; i < table.KeyTypes.Count; i++)
        {
            cmd.Parameters.AddWithValue($"m{i}", (object?)_progress.MaximumKey![i] ?? DBNull.Value);
            if (_progress.LastKey is not null)
            {
                cmd.Parameters.AddWithValue($"k{i}", (object?)_progress.LastKey[i] ?? DBNull.Value);
            }
        }

        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            var texts = new string?[table.Schema.Columns.Count];
            while (await reader.ReadAsync(ct))
            {
                TableCatalog.ReadTexts(reader, texts);
                var row = TableCatalog.Row(table.Schema, texts);
                _window[KeyId(table.Schema.KeyOf(row)!)] = (row, table.KeyIndexes.Select(i => texts[i]).ToArray());
            }
        }

        await transaction.CommitAsync(ct);
        foreach (var (xid, key) in _streamed.Where(c => !_read.Saw(c.Xid)))
        {
            _window.Remove(key);
        }

        _streamed.RemoveAll(c => _read.Saw(c.Xid));

        return _window.Count;
    }

    private async Task<IReadOnlyList<string?>?> MaximumKeyAsync(Chunked table, CancellationToken ct)
    {
        // NULLS LAST: a surrogate key may be nullable, and its rows with NULL there are not read (they sort after every value).
        await using var cmd = new NpgsqlCommand(
            $"SELECT {string.Join(", ", table.KeyColumns.Select(k => k + "::text"))} FROM {table.From} WHERE true{table.Condition} " +
            $"ORDER BY {string.Join(", ", table.KeyColumns.Select(k => k + " DESC NULLS LAST"))} LIMIT 1", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var texts = new string?[table.KeyTypes.Count];
        TableCatalog.ReadTexts(reader, texts);
        return texts;
    }

    private async Task<Chunked?> DescribeAsync(IncrementalProgress.Collection collection, CancellationToken ct)
    {
        var name = collection.Id;
        if (PostgresConnectorConfig.ParseTable(name) is not { } parsed)
        {
            return null;
        }

        // Aliased as itself, with the key qualified by it: a bare key name in ORDER BY would sort by the select list's
        // text forms; a condition may still name the table's columns plainly or as table.column.
        var quoted = TableCatalog.Quote(parsed.Schema) + "." + TableCatalog.Quote(parsed.Table);
        var alias = TableCatalog.Quote(parsed.Table);
        var from = quoted + " AS " + alias;
        await using (var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection))
        {
            exists.Parameters.AddWithValue("name", quoted);
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return null;
            }
        }

        var (oid, columns) = await TableCatalog.ColumnsAsync(connection, quoted, ct);
        var schema = await TableCatalog.DescribeAsync(connection, config, oid, parsed.Schema, parsed.Table, columns, ct);
        if (schema.KeyColumns.Count == 0)
        {
            return null;
        }

        // Debezium's surrogate-key: the one column the table is chunked by instead of its key (the records keep their key).
        IReadOnlyList<string> chunkedBy = schema.KeyColumns.Select(c => c.Name).ToList();
        if (collection.SurrogateKey is { } surrogate)
        {
            if (!columns.Any(c => c.Name == surrogate))
            {
                Warn(collection.CorrelationId, $"its surrogate-key '{SnapshotSignal.Shorten(surrogate)}' is no column of {name} (columns: {string.Join(", ", columns.Select(c => c.Name))})");
                return null;
            }

            chunkedBy = [surrogate];
        }

        var types = new List<string>();
        foreach (var column in chunkedBy)
        {
            await using var type = new NpgsqlCommand("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = @oid AND attname = @name", connection);
            type.Parameters.AddWithValue("oid", NpgsqlTypes.NpgsqlDbType.Oid, oid);
            type.Parameters.AddWithValue("name", column);
            types.Add((string)(await type.ExecuteScalarAsync(ct))!);
        }

        var indexes = chunkedBy.Select(k => columns.ToList().FindIndex(c => c.Name == k)).ToList();
        return new Chunked(name, schema, from, TableCatalog.TextColumns(columns), chunkedBy.Select(c => alias + "." + TableCatalog.Quote(c)).ToList(), types, indexes,
            collection.Condition is { } condition ? $" AND ({condition})" : "");
    }

    private async Task InsertSignalAsync(string id, string type, JsonObject data, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO {TableCatalog.Quote(_signal.Schema)}.{TableCatalog.Quote(_signal.Table)} VALUES (@id, @type, @data)", connection);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("type", type);
        cmd.Parameters.AddWithValue("data", data.ToJsonString());
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is "42P01" or "42501" or "42601" or "42804" or "22001" or "23502" or "23514")
        {
            throw new ActorConnect.Api.Errors.ConnectException(
                $"The incremental snapshot cannot write its window mark to the signal table {_signal.Schema}.{_signal.Table} (signal.data.collection): " +
                $"{e.SqlState}: {e.MessageText}. Fix: create it as Debezium's, CREATE TABLE {_signal.Schema}.{_signal.Table} (id varchar(42) PRIMARY KEY, " +
                "type varchar(32) NOT NULL, data varchar(2048)), and grant INSERT on it to database.user.", e);
        }
    }

    /// <summary>A key's identity, equal for the same key whether read by the snapshot or decoded from the stream.</summary>
    private static string KeyId(Struct key) => string.Join("\u0001", key.Schema.Fields.Select(f => key.Get(f.Name) switch
    {
        null => "\u0000",
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    }));
}
