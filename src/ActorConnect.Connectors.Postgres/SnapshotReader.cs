using System.Data;
using ActorConnect.Api.Source;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Reads every captured table in one REPEATABLE READ transaction (the slot's exported snapshot when the slot was just
/// created, so the snapshot and the stream meet exactly at the slot's consistent point), each table through a cursor
/// <c>snapshot.fetch.size</c> rows at a time, and hands the rows over as op r records in chunks through the bounded
/// hand-over queue (so a slow consumer holds the reading back); the last record is marked "last" (and the first and each table's first and last as Debezium marks them), which completes
/// the snapshot in the stored offset. Its progress is notified as Debezium's (aggregate type Initial Snapshot, for a
/// blocking snapshot too, as Debezium's): STARTED, IN_PROGRESS and TABLE_SCAN_COMPLETED per table, COMPLETED, or
/// ABORTED when it fails; each among the records where it happened.
/// </summary>
internal static class SnapshotReader
{
    private const int ChunkSize = 1024;

    /// <summary>
    /// What a blocking snapshot reads: <paramref name="Tables"/>, each through its filter (<paramref name="FilterFor"/>:
    /// a whole SELECT, as Debezium takes it, or a condition), as of now, its records placed in the stream after the
    /// transaction committed at <paramref name="CommitLsn"/> and ending at <paramref name="EndLsn"/>.
    /// <paramref name="Refused"/> hears of each table whose filter the database refuses (table, filter, error): that
    /// table is left out, the others are read.
    /// </summary>
    public sealed record Blocking(IReadOnlyList<(string Schema, string Table)> Tables, Func<string, string?> FilterFor, ulong CommitLsn, ulong EndLsn,
        Action<string, string, PostgresException> Refused);

    /// <summary>
    /// Reads the snapshot: the initial one at the slot's <paramref name="consistentPoint"/> (<paramref name="blocking"/>
    /// null), or a blocking one.
    /// </summary>
    public static async Task ReadAsync(PostgresConnectorConfig config, string? exportedSnapshot, ulong consistentPoint, ChangeEvents events,
        HandOver writer, CancellationToken ct, Blocking? blocking = null, Notifications? notifications = null)
    {
        notifications?.Notify(Notifications.InitialSnapshot, "STARTED", null);
        try
        {
            await ReadTablesAsync(config, exportedSnapshot, consistentPoint, events, writer, ct, blocking, notifications);
        }
        catch (Exception) when (notifications is not null)
        {
            notifications.Notify(Notifications.InitialSnapshot, "ABORTED", null);
            if (notifications.Take() is { Count: > 0 } aborted && !ct.IsCancellationRequested)
            {
                await writer.WriteAsync(CommittedTransaction.Between(aborted), ct);
            }

            throw;
        }
    }

    private static async Task ReadTablesAsync(PostgresConnectorConfig config, string? exportedSnapshot, ulong consistentPoint, ChangeEvents events,
        HandOver writer, CancellationToken ct, Blocking? blocking, Notifications? notifications)
    {
        consistentPoint = blocking?.CommitLsn ?? consistentPoint;
        var endLsn = blocking?.EndLsn ?? consistentPoint;
        await using var connection = new NpgsqlConnection(config.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        if (exportedSnapshot is not null)
        {
            await using var set = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{exportedSnapshot}'", connection, transaction);
            await set.ExecuteNonQueryAsync(ct);
        }

        long txId;
        await using (var xmin = new NpgsqlCommand("SELECT txid_snapshot_xmin(txid_current_snapshot())", connection, transaction))
        {
            txId = (long)(await xmin.ExecuteScalarAsync(ct))!;
        }

        var info = new TransactionInfo(txId, consistentPoint, DateTime.UtcNow, 0);
        // The notifications so far (STARTED) come first.
        var chunk = new List<SourceRecord>(notifications?.Take() ?? []);
        // One row is held back until the next is read (or the snapshot ends), so its place is known: the last of its
        // table, the last of the snapshot. Notifications sent meanwhile follow it.
        (TableSchema Table, ActorConnect.Api.Data.Struct Row, bool FirstOverall, bool FirstInTable)? held = null;
        var afterHeld = new List<SourceRecord>();
        var any = false;
        var tables = blocking?.Tables ?? ReplicationSetup.CapturedTables(connection, config);
        var collections = string.Join(",", tables.Select(t => t.Schema + "." + t.Table));
        void Notify(string type, params (string Key, string Value)[] data)
        {
            if (notifications is not null)
            {
                notifications.Notify(Notifications.InitialSnapshot, type, null, data);
                (held is null ? chunk : afterHeld).AddRange(notifications.Take());
            }
        }

        foreach (var (schema, name) in tables)
        {
            Notify("IN_PROGRESS", ("current_collection_in_progress", schema + "." + name), ("data_collections", collections));
            var rows = 0L;
            var quoted = TableCatalog.Quote(schema) + "." + TableCatalog.Quote(name);
            var (oid, columns) = await TableCatalog.ColumnsAsync(connection, quoted, ct);
            var table = await TableCatalog.DescribeAsync(connection, config, oid, schema, name, columns, ct);
            var select = TableCatalog.TextColumns(columns);
            var filter = blocking?.FilterFor(schema + "." + name);
            if (filter is not null)
            {
                // A filter the database refuses rolls back to here, and the snapshot goes on with the next table.
                await using var savepoint = new NpgsqlCommand("SAVEPOINT filtered_table", connection, transaction);
                await savepoint.ExecuteNonQueryAsync(ct);
            }

            try
            {
                // A server-side cursor hands the table over snapshot.fetch.size rows at a time, so a large table never sits in
                // memory; it reads within this transaction, so every fetch sees the same snapshot.
                await using (var declare = new NpgsqlCommand($"DECLARE snapshot_rows NO SCROLL CURSOR FOR {Query(select, quoted, TableCatalog.Quote(name), filter)}", connection, transaction))
                {
                    await declare.ExecuteNonQueryAsync(ct);
                }

                var texts = new string?[columns.Count];
                var firstInTable = true;
                for (var fetched = config.FetchSize; fetched == config.FetchSize;)
                {
                    fetched = 0;
                    await using var fetch = new NpgsqlCommand($"FETCH FORWARD {config.FetchSize} FROM snapshot_rows", connection, transaction);
                    await using var reader = await fetch.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        fetched++;
                        TableCatalog.ReadTexts(reader, texts);

                        if (held is { } previous)
                        {
                            var place = new ChangeEvents.SnapshotPlace(previous.FirstOverall, LastOverall: false, previous.FirstInTable, LastInTable: previous.Table != table);
                            chunk.Add(events.Read(previous.Table, previous.Row, info, place, blocking?.EndLsn));
                            chunk.AddRange(afterHeld);
                            afterHeld.Clear();
                            if (chunk.Count >= ChunkSize)
                            {
                                await writer.WriteAsync(Part(consistentPoint, endLsn, chunk), ct);
                                chunk = new List<SourceRecord>();
                            }
                        }

                        held = (table, TableCatalog.Row(table, texts), !any, firstInTable);
                        any = true;
                        firstInTable = false;
                        rows++;
                    }
                }

                await using var close = new NpgsqlCommand("CLOSE snapshot_rows", connection, transaction);
                await close.ExecuteNonQueryAsync(ct);
                Notify("TABLE_SCAN_COMPLETED", ("scanned_collection", schema + "." + name), ("data_collections", collections),
                    ("total_rows_scanned", rows.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("status", "SUCCEEDED"));
            }
            catch (PostgresException e) when (filter is not null && e.SqlState[..2] is "42" or "22")
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK TO SAVEPOINT filtered_table", connection, transaction);
                await rollback.ExecuteNonQueryAsync(ct);
                blocking!.Refused(schema + "." + name, filter, e);
                Notify("TABLE_SCAN_COMPLETED", ("scanned_collection", schema + "." + name), ("status", "SQL_EXCEPTION"));
            }
        }

        if (held is { } final)
        {
            chunk.Add(events.Read(final.Table, final.Row, info, new ChangeEvents.SnapshotPlace(final.FirstOverall, LastOverall: true, final.FirstInTable, LastInTable: true),
                blocking?.EndLsn));
            chunk.AddRange(afterHeld);
            held = null;
        }

        Notify("COMPLETED");

        if (chunk.Count > 0)
        {
            await writer.WriteAsync(Part(consistentPoint, endLsn, chunk), ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Records of the snapshot; notifications alone (a snapshot with no row) are no part of it.</summary>
    private static CommittedTransaction Part(ulong consistentPoint, ulong endLsn, List<SourceRecord> records) =>
        CommittedTransaction.LastOffset(records) is null ? CommittedTransaction.Between(records) : new CommittedTransaction(consistentPoint, endLsn, records);

    /// <summary>
    /// A table's query: all of it, or what its filter selects: a whole SELECT (Debezium's form for blocking snapshots,
    /// read as a subquery named as the table) or a condition.
    /// </summary>
    private static string Query(string select, string quoted, string alias, string? filter) => filter switch
    {
        null => $"SELECT {select} FROM {quoted}",
        _ when filter.TrimStart().StartsWith("select", StringComparison.OrdinalIgnoreCase) => $"SELECT {select} FROM ({filter.Trim().TrimEnd(';')}) AS {alias}",
        _ => $"SELECT {select} FROM {quoted} WHERE {filter}",
    };
}
