using ActorConnect.Api.Sink;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Inserts and upserts by binary COPY, PostgreSQL's fastest way in (a multi-row INSERT ... VALUES costs a parse, a
/// plan and a bound parameter per value; COPY streams rows in the columns' binary format). Records go straight into
/// the table when every column already has the type Npgsql sends (<c>insert.mode=insert</c>); otherwise, and for
/// upserts, into a session temp staging table of those types, from which one INSERT ... SELECT per run casts each
/// column to the table's type (text into uuid/json, instants into timestamp: the same casts the statement path makes)
/// and applies ON CONFLICT. Update and delete runs keep <see cref="SinkStatements"/>.
/// </summary>
internal static class SinkCopy
{
    /// <summary>Whether a run of this kind is written by COPY.</summary>
    public static bool Applies(SinkStatements.Kind kind) => kind is SinkStatements.Kind.Insert or SinkStatements.Kind.Upsert;

    /// <summary>True when binary COPY may go straight into the table: an insert whose columns all have the sent types.</summary>
    public static bool Direct(SinkStatements.Kind kind, SinkShape shape, IReadOnlyDictionary<string, string> columnTypes) =>
        kind == SinkStatements.Kind.Insert && shape.All.All(c => columnTypes[c.Name] == SinkTypes.SentType(c.Schema));

    /// <summary>The staging table's DDL: one column per shape column, of the type Npgsql sends, emptied at each commit.</summary>
    public static string CreateStaging(string staging, SinkShape shape) =>
        $"CREATE TEMP TABLE IF NOT EXISTS {staging} ({string.Join(", ", shape.All.Select(c => $"{Sql.Quote(c.Name)} {SinkTypes.SentType(c.Schema)}"))}) ON COMMIT DELETE ROWS";

    /// <summary>Streams the records' shape columns into <paramref name="table"/> by binary COPY.</summary>
    public static void Import(NpgsqlConnection connection, string table, SinkShape shape, IReadOnlyList<SinkRecord> records)
    {
        var columns = shape.All.ToArray();
        var types = columns.Select(c => SinkTypes.ParameterType(c.Schema)).ToArray();
        using var importer = connection.BeginBinaryImport($"COPY {table} ({string.Join(", ", columns.Select(c => Sql.Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)");
        foreach (var record in records)
        {
            importer.StartRow();
            for (var i = 0; i < columns.Length; i++)
            {
                var value = SinkTypes.ParameterValue(columns[i].Schema, columns[i].Extract(record), columns[i].Name);
                if (value is DBNull)
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(value, types[i]);
                }
            }
        }

        importer.Complete();
    }

    /// <summary>
    /// Moves the staged rows into the table. The staging table is left as it is: the commit empties it
    /// (<c>ON COMMIT DELETE ROWS</c>), and a later run of the same transaction empties it first
    /// (<see cref="EmptyStaging"/>). Emptying it here instead (<c>WITH s AS (DELETE ... RETURNING *)</c>) cost 20-45%
    /// more database time per batch (bench/results/perf-notes.md, issue 19).
    /// </summary>
    public static NpgsqlBatchCommand FromStaging(SinkStatements.Kind kind, string table, string staging, SinkShape shape, IReadOnlyDictionary<string, string> columnTypes)
    {
        var names = string.Join(", ", shape.All.Select(c => Sql.Quote(c.Name)));
        var casts = string.Join(", ", shape.All.Select(c => $"{Sql.Quote(c.Name)}::{columnTypes[c.Name]}"));
        var sql = $"INSERT INTO {table} ({names}) SELECT {casts} FROM {staging}";
        if (kind == SinkStatements.Kind.Upsert)
        {
            sql += SinkStatements.OnConflict(shape);
        }

        return new NpgsqlBatchCommand(sql);
    }

    /// <summary>Empties a staging table that an earlier run of the same transaction filled, before it is staged into again.</summary>
    public static NpgsqlBatchCommand EmptyStaging(string staging) => new($"TRUNCATE {staging}");
}
