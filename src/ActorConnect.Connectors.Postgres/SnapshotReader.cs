using System.Data;
using ActorConnect.Api.Source;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Reads every captured table in one REPEATABLE READ transaction (the slot's exported snapshot when the slot was just
/// created, so the snapshot and the stream meet exactly at the slot's consistent point), each table through a cursor
/// <c>snapshot.fetch.size</c> rows at a time, and hands the rows over as op r records in chunks through the bounded
/// hand-over queue (so a slow consumer holds the reading back); the last record is marked "last" (and the first and each table's first and last as Debezium marks them), which completes
/// the snapshot in the stored offset.
/// </summary>
internal static class SnapshotReader
{
    private const int ChunkSize = 1024;

    public static async Task ReadAsync(PostgresConnectorConfig config, string? exportedSnapshot, ulong consistentPoint, ChangeEvents events,
        HandOver writer, CancellationToken ct)
    {
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
        var chunk = new List<SourceRecord>();
        // One row is held back until the next is read (or the snapshot ends), so its place is known: the last of its
        // table, the last of the snapshot.
        (TableSchema Table, ActorConnect.Api.Data.Struct Row, bool FirstOverall, bool FirstInTable)? held = null;
        var any = false;
        foreach (var (schema, name) in ReplicationSetup.CapturedTables(connection, config))
        {
            var quoted = TableCatalog.Quote(schema) + "." + TableCatalog.Quote(name);
            var (oid, columns) = await TableCatalog.ColumnsAsync(connection, quoted, ct);
            var table = await TableCatalog.DescribeAsync(connection, config, oid, schema, name, columns, ct);
            var select = TableCatalog.TextColumns(columns);
            // A server-side cursor hands the table over snapshot.fetch.size rows at a time, so a large table never sits in
            // memory; it reads within this transaction, so every fetch sees the same snapshot.
            await using (var declare = new NpgsqlCommand($"DECLARE snapshot_rows NO SCROLL CURSOR FOR SELECT {select} FROM {quoted}", connection, transaction))
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
                        chunk.Add(events.Read(previous.Table, previous.Row, info, place));
                        if (chunk.Count >= ChunkSize)
                        {
                            await writer.WriteAsync(new CommittedTransaction(consistentPoint, consistentPoint, chunk), ct);
                            chunk = new List<SourceRecord>();
                        }
                    }

                    held = (table, TableCatalog.Row(table, texts), !any, firstInTable);
                    any = true;
                    firstInTable = false;
                }
            }

            await using var close = new NpgsqlCommand("CLOSE snapshot_rows", connection, transaction);
            await close.ExecuteNonQueryAsync(ct);
        }

        if (held is { } final)
        {
            chunk.Add(events.Read(final.Table, final.Row, info, new ChangeEvents.SnapshotPlace(final.FirstOverall, LastOverall: true, final.FirstInTable, LastInTable: true)));
        }

        if (chunk.Count > 0)
        {
            await writer.WriteAsync(new CommittedTransaction(consistentPoint, consistentPoint, chunk), ct);
        }

        await transaction.CommitAsync(ct);
    }
}
