using Npgsql;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>Small synchronous-looking helpers over one test database.</summary>
public sealed class Db(string connectionString)
{
    // No pooling: a test may restart the server, and a pooled connection would be a dead one.
    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>The connection as a JDBC URL, as users of kafka-connect-jdbc write it.</summary>
    public string JdbcUrl
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"jdbc:postgresql://{b.Host}:{b.Port}/{b.Database}?user={Uri.EscapeDataString(b.Username!)}&password={Uri.EscapeDataString(b.Password!)}";
        }
    }

    public async Task ExecAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Rows of a query, each rendered as text by PostgreSQL (so types compare by their text form).</summary>
    public async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT q::text FROM ({sql}) AS q", connection) { CommandTimeout = 300 };
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    /// <summary>The number of rows of a table, or -1 while it does not exist.</summary>
    public async Task<long> CountAsync(string table)
    {
        var exists = await ScalarAsync<bool>($"SELECT to_regclass('\"{table}\"') IS NOT NULL");
        return exists ? await ScalarAsync<long>($"SELECT count(*) FROM \"{table}\"") : -1;
    }
}
