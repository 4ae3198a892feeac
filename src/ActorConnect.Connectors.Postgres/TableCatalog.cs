using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using Npgsql;
using NpgsqlTypes;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Builds a table's <see cref="TableSchema"/> from its columns (names, type OIDs, type modifiers: from a pgoutput
/// relation message while streaming, from pg_attribute for a snapshot) and the catalog's nullability and primary key,
/// which relation messages do not carry.
/// </summary>
internal static class TableCatalog
{
    /// <summary>A column as the server describes it.</summary>
    public sealed record ColumnInfo(string Name, uint TypeOid, int TypeModifier);

    public static async Task<TableSchema> DescribeAsync(NpgsqlConnection catalog, PostgresConnectorConfig config, uint relationId, string schema, string table,
        IEnumerable<ColumnInfo> columns, CancellationToken ct)
    {
        var notNull = new HashSet<string>();
        var keys = new HashSet<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT a.attname::text, a.attnotnull, array_position(i.indkey::int2[], a.attnum) IS NOT NULL FROM pg_attribute a " +
            "LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary WHERE a.attrelid = @oid AND a.attnum > 0 AND NOT a.attisdropped", catalog))
        {
            cmd.Parameters.AddWithValue("oid", NpgsqlDbType.Oid, relationId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(1))
                {
                    notNull.Add(reader.GetString(0));
                }

                if (reader.GetBoolean(2))
                {
                    keys.Add(reader.GetString(0));
                }
            }
        }

        var listed = columns.ToList();
        var types = await PgTypes.LoadAsync(catalog, listed.Select(c => c.TypeOid), ct);
        var described = listed.Select(c => new TableColumn(c.Name, ColumnTypes.For(c.TypeOid, c.TypeModifier, !notNull.Contains(c.Name), config, types), keys.Contains(c.Name),
            config.IncludesColumn(schema, table, c.Name))).ToList();
        var keyColumns = config.KeyColumns.For(schema, table, described.Select(c => c.Name)) ?? described.Where(c => c.IsPrimaryKey).Select(c => c.Name).ToList();
        return new TableSchema(config.Prefix, schema, table, described, keyColumns);
    }

    /// <summary>A table's OID and live columns in their order, for reading it outside the replication stream.</summary>
    public static async Task<(uint RelationId, IReadOnlyList<ColumnInfo> Columns)> ColumnsAsync(NpgsqlConnection connection, string quotedName, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT a.attrelid, a.attname::text, a.atttypid, a.atttypmod FROM pg_attribute a " +
            "WHERE a.attrelid = @name::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", connection);
        cmd.Parameters.AddWithValue("name", quotedName);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var columns = new List<ColumnInfo>();
        uint oid = 0;
        while (await reader.ReadAsync(ct))
        {
            oid = reader.GetFieldValue<uint>(0);
            columns.Add(new ColumnInfo(reader.GetString(1), reader.GetFieldValue<uint>(2), reader.GetInt32(3)));
        }

        return (oid, columns);
    }

    /// <summary>An identifier quoted for SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A snapshot's select expression for a column: its text form as the type's output function prints it, which
    /// is what pgoutput sends. <c>::text</c> gives that for every type but the two whose cast to text differs: char(n)
    /// (the cast drops the padding) and inet (the cast adds a /32 mask), which go through format's output call instead.
    /// </summary>
    public static string TextExpression(ColumnInfo column)
    {
        var quoted = Quote(column.Name);
        return column.TypeOid is ColumnTypes.Bpchar or ColumnTypes.Inet
            ? $"CASE WHEN {quoted} IS NULL THEN NULL ELSE format('%s', {quoted}) END"
            : quoted + "::text";
    }

    /// <summary>The select list reading every column's text form, in order (the text forms the decoder parses).</summary>
    public static string TextColumns(IEnumerable<ColumnInfo> columns) => string.Join(", ", columns.Select(TextExpression));

    /// <summary>Reads the current row of a query on <see cref="TextColumns"/> into <paramref name="texts"/>.</summary>
    public static void ReadTexts(NpgsqlDataReader reader, string?[] texts)
    {
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
        }
    }

    /// <summary>A column's value from its text form (null stays null); a value that cannot be converted fails naming its column.</summary>
    public static object? Value(TableSchema table, TableColumn column, string? text)
    {
        try
        {
            return text is null ? null : column.Type.Parse(text);
        }
        catch (Exception e) when (e is ConnectException or FormatException or OverflowException or ArgumentException)
        {
            throw new DataException($"Column {table.SchemaName}.{table.TableName}.{column.Name}: {e.Message}", e);
        }
    }

    /// <summary>A whole row's Struct (<see cref="TableSchema.Row"/>) from its columns' text forms, in the table's column order.</summary>
    public static Struct Row(TableSchema table, IReadOnlyList<string?> texts)
    {
        var row = new Struct(table.Row);
        // The row's fields are the columns, in order.
        var fields = table.Row.Fields;
        for (var i = 0; i < table.Columns.Count; i++)
        {
            row.Put(fields[i], Value(table, table.Columns[i], texts[i]));
        }

        return row;
    }
}
