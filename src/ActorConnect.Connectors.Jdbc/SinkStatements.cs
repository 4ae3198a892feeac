using System.Text;
using ActorConnect.Api.Sink;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Multi-row statements for one run of records of the same table, shape and kind: INSERT ... VALUES (...),(...),
/// with ON CONFLICT (keys) DO UPDATE for upserts, UPDATE ... FROM (VALUES ...), and DELETE ... WHERE (keys) IN (VALUES ...).
/// Each placeholder is cast to the destination column's type, so text goes into uuid/json/jsonb columns and the
/// instants of Timestamp fields into timestamp or timestamptz columns alike.
/// </summary>
internal static class SinkStatements
{
    /// <summary>PostgreSQL takes at most 65535 parameters per statement; stay well below.</summary>
    private const int MaxParameters = 30000;

    public enum Kind
    {
        Insert,
        Upsert,
        Update,
        Delete,
    }

    public static IEnumerable<NpgsqlBatchCommand> Build(Kind kind, string table, SinkShape shape, IReadOnlyDictionary<string, string> columnTypes, IReadOnlyList<SinkRecord> records, int batchSize)
    {
        var columns = (kind == Kind.Delete ? shape.Keys : shape.All).ToList();
        var rowsPerStatement = Math.Max(1, Math.Min(batchSize, MaxParameters / Math.Max(1, columns.Count)));
        for (var start = 0; start < records.Count; start += rowsPerStatement)
        {
            var chunk = records.Skip(start).Take(rowsPerStatement).ToList();
            var command = new NpgsqlBatchCommand();
            var values = new StringBuilder();
            var n = 0;
            foreach (var record in chunk)
            {
                values.Append(values.Length == 0 ? "(" : ",(");
                for (var i = 0; i < columns.Count; i++)
                {
                    var c = columns[i];
                    n++;
                    values.Append(i == 0 ? string.Empty : ",").Append('$').Append(n).Append("::").Append(columnTypes[c.Name]);
                    command.Parameters.Add(new NpgsqlParameter
                    {
                        NpgsqlDbType = SinkTypes.ParameterType(c.Schema),
                        Value = SinkTypes.ParameterValue(c.Schema, c.Extract(record), c.Name),
                    });
                }

                values.Append(')');
            }

            var names = string.Join(", ", columns.Select(c => Sql.Quote(c.Name)));
            var keys = string.Join(", ", shape.Keys.Select(k => Sql.Quote(k.Name)));
            command.CommandText = kind switch
            {
                Kind.Insert => $"INSERT INTO {table} ({names}) VALUES {values}",
                Kind.Upsert => $"INSERT INTO {table} ({names}) VALUES {values}{OnConflict(shape)}",
                Kind.Update => $"UPDATE {table} AS t SET " + string.Join(", ", shape.Values.Select(v => $"{Sql.Quote(v.Name)} = d.{Sql.Quote(v.Name)}")) +
                               $" FROM (VALUES {values}) AS d({names}) WHERE " + string.Join(" AND ", shape.Keys.Select(k => $"t.{Sql.Quote(k.Name)} = d.{Sql.Quote(k.Name)}")),
                _ => $"DELETE FROM {table} WHERE ({keys}) IN (VALUES {values})",
            };
            yield return command;
        }
    }

    /// <summary>The ON CONFLICT clause of an upsert: the later record's values replace the row's, or nothing when all columns are keys.</summary>
    public static string OnConflict(SinkShape shape)
    {
        var keys = string.Join(", ", shape.Keys.Select(k => Sql.Quote(k.Name)));
        return shape.Values.Count == 0
            ? $" ON CONFLICT ({keys}) DO NOTHING"
            : $" ON CONFLICT ({keys}) DO UPDATE SET " + string.Join(", ", shape.Values.Select(v => $"{Sql.Quote(v.Name)} = EXCLUDED.{Sql.Quote(v.Name)}"));
    }
}
