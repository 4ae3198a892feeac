using System.Globalization;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Knows the destination tables' columns and makes a table fit a record shape: CREATE TABLE when it is missing
/// (<c>auto.create</c>), ALTER TABLE ADD COLUMN for fields it lacks (<c>auto.evolve</c>; never drops or retypes).
/// Column lists are cached per table and read again after every change or error.
/// </summary>
internal sealed class SinkTables(JdbcSinkConfig config)
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _columns = new();

    /// <summary>The table name for a topic (<c>table.name.format</c>), quoted; a dot separates schema and table.</summary>
    public static string QuotedName(string format, string topic)
    {
        var name = format.Replace("${topic}", topic, StringComparison.Ordinal);
        return string.Join(".", name.Split('.').Select(Sql.Quote));
    }

    public void Forget() => _columns.Clear();

    /// <summary>Makes sure <paramref name="table"/> has every column of <paramref name="shape"/>; returns its column types.</summary>
    public IReadOnlyDictionary<string, string> Ensure(NpgsqlConnection connection, string table, SinkShape shape)
    {
        if (!_columns.TryGetValue(table, out var columns))
        {
            columns = Read(connection, table);
            _columns[table] = columns;
        }

        if (columns.Count == 0)
        {
            if (!config.Create)
            {
                throw new ConnectException($"Table {table} is missing and auto-creation is disabled: set {JdbcSinkConfig.AutoCreate}=true or create the table.");
            }

            Execute(connection, CreateTable(table, shape));
            return _columns[table] = Read(connection, table);
        }

        var missing = shape.All.Where(c => !columns.ContainsKey(c.Name)).ToList();
        if (missing.Count == 0)
        {
            return columns;
        }

        if (!config.Evolve)
        {
            throw new ConnectException(
                $"Table {table} is missing fields ({string.Join(", ", missing.Select(m => m.Name))}) and auto-evolution is disabled: set {JdbcSinkConfig.AutoEvolve}=true, add the columns, or leave the fields out with {JdbcSinkConfig.FieldsWhitelist}.");
        }

        var clauses = new List<string>();
        foreach (var m in missing)
        {
            if (!m.Schema.IsOptional && m.Schema.DefaultValue is null)
            {
                throw new ConnectException(
                    $"Cannot ALTER TABLE {table} to add missing field {m.Name}, as the field is not optional and does not have a default value: make the field optional or give it a default in the record schema.");
            }

            clauses.Add($"ADD COLUMN {Sql.Quote(m.Name)} {SinkTypes.ColumnType(m.Schema, m.Name)}{Default(m.Schema)}");
        }

        Execute(connection, $"ALTER TABLE {table} {string.Join(", ", clauses)}");
        return _columns[table] = Read(connection, table);
    }

    private static string CreateTable(string table, SinkShape shape)
    {
        var columns = shape.All.Select(c =>
            $"{Sql.Quote(c.Name)} {SinkTypes.ColumnType(c.Schema, c.Name)}{(c.IsKey || !c.Schema.IsOptional ? " NOT NULL" : string.Empty)}{Default(c.Schema)}").ToList();
        if (shape.Keys.Count > 0)
        {
            columns.Add($"PRIMARY KEY ({string.Join(", ", shape.Keys.Select(k => Sql.Quote(k.Name)))})");
        }

        return $"CREATE TABLE IF NOT EXISTS {table} ({string.Join(", ", columns)})";
    }

    private static string Default(Schema schema) => schema.DefaultValue switch
    {
        null => string.Empty,
        bool b => b ? " DEFAULT true" : " DEFAULT false",
        string s => " DEFAULT '" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        sbyte or short or int or long or decimal => " DEFAULT " + Convert.ToString(schema.DefaultValue, CultureInfo.InvariantCulture),
        float f => " DEFAULT " + f.ToString("R", CultureInfo.InvariantCulture),
        double d => " DEFAULT " + d.ToString("R", CultureInfo.InvariantCulture),
        _ => string.Empty,
    };

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }

    private static Dictionary<string, string> Read(NpgsqlConnection connection, string table)
    {
        using var cmd = new NpgsqlCommand(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a " +
            "WHERE a.attrelid = to_regclass(@t) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", connection);
        cmd.Parameters.AddWithValue("t", table);
        using var reader = cmd.ExecuteReader();
        var columns = new Dictionary<string, string>();
        while (reader.Read())
        {
            columns[reader.GetString(0)] = reader.GetString(1);
        }

        return columns;
    }
}
