using System.Globalization;
using System.Text.Json.Nodes;
using ActorConnect.Api.Data;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>The incremental snapshot's queries: a chunk, a table's largest key, what a table is chunked by, and the window marks.</summary>
internal sealed partial class IncrementalSnapshot
{
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

        var read = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            var texts = new string?[table.Schema.Columns.Count];
            while (await reader.ReadAsync(ct))
            {
                TableCatalog.ReadTexts(reader, texts);
                var row = TableCatalog.Row(table.Schema, texts);
                _chunkEnd = table.KeyIndexes.Select(i => texts[i]).ToArray();
                _window[KeyId(table.Schema.KeyOf(row)!)] = (row, _chunkEnd);
                read++;
            }
        }

        _rowsScanned += read;

        await transaction.CommitAsync(ct);
        foreach (var (xid, key) in _streamed.Where(c => !_read.Saw(c.Xid)))
        {
            _window.Remove(key);
        }

        _streamed.RemoveAll(c => _read.Saw(c.Xid));

        // The rows read, not those left: a chunk whose every row a newer change dropped is read again after its
        // window (its rows then come with their changes), and the table is not taken as done.
        return read;
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

    /// <summary>The table to read as <paramref name="collection"/> asks; null, with Debezium's status of its scan, when it cannot be read (each with a warning).</summary>
    private async Task<(Chunked? Table, string Status)> DescribeAsync(IncrementalProgress.Collection collection, CancellationToken ct)
    {
        var name = collection.Id;
        if (PostgresConnectorConfig.ParseTable(name) is not { } parsed)
        {
            Warn(collection.CorrelationId, "its name is not schema.table");
            return (null, UnknownSchema);
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
                Warn(collection.CorrelationId, "the table does not exist (any more)");
                return (null, UnknownSchema);
            }
        }

        var (oid, columns) = await TableCatalog.ColumnsAsync(connection, quoted, ct);
        var schema = await TableCatalog.DescribeAsync(connection, config, oid, parsed.Schema, parsed.Table, columns, ct);
        if (schema.KeyColumns.Count == 0)
        {
            // As Debezium ("skipped because the table has no primary keys"): the next table is read, streaming goes on.
            Warn(collection.CorrelationId, "it has no primary key, and an incremental snapshot reads a table in chunks by its key (Debezium skips such a table too); " +
                $"give it one (ALTER TABLE {name} ADD PRIMARY KEY (...)) or name its key columns in message.key.columns, then send the signal again" +
                (collection.SurrogateKey is null ? "" : " (a surrogate-key chunks only a table that has a key here)"));
            return (null, NoPrimaryKey);
        }

        // Debezium's surrogate-key: the one column the table is chunked by instead of its key (the records keep their key).
        IReadOnlyList<string> chunkedBy = schema.KeyColumns.Select(c => c.Name).ToList();
        if (collection.SurrogateKey is { } surrogate)
        {
            if (!columns.Any(c => c.Name == surrogate))
            {
                Warn(collection.CorrelationId, $"its surrogate-key '{SnapshotSignal.Shorten(surrogate)}' is no column of {name} (columns: {string.Join(", ", columns.Select(c => c.Name))})");
                return (null, SqlException);
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
        return (new Chunked(name, schema, from, TableCatalog.TextColumns(columns), chunkedBy.Select(c => alias + "." + TableCatalog.Quote(c)).ToList(), types, indexes,
            collection.Condition is { } condition ? $" AND ({condition})" : ""), Succeeded);
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
