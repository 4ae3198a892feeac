using System.Text.RegularExpressions;
using ActorConnect.Api.Errors;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>Finds the tables a source connector copies: the database's tables filtered by the white/black or include/exclude lists.</summary>
internal static class TableLister
{
    public static IReadOnlyList<TableId> List(JdbcSourceConfig config)
    {
        using var connection = PgConnections.Open(config.ConnectionString);
        List<TableId> all;
        try
        {
            all = AllTables(connection, config);
        }
        catch (Exception e)
        {
            throw PgConnections.Translate(e, config.ConnectionString, "listing tables");
        }

        return Filter(all, config);
    }

    internal static IReadOnlyList<TableId> Filter(IReadOnlyList<TableId> all, JdbcSourceConfig config)
    {
        if (config.Whitelist.Count > 0)
        {
            var unknown = config.Whitelist.Where(w => !all.Any(t => Names(t).Contains(w))).ToList();
            if (unknown.Count > 0)
            {
                throw new ConnectException(
                    $"{JdbcSourceConfig.TableWhitelist} names tables that do not exist (or that {PgConnections.Describe(config.ConnectionString)} may not read): " +
                    $"{string.Join(", ", unknown)}. Create them or fix the list; tables found: {string.Join(", ", all.Select(t => t.Fqn).DefaultIfEmpty("none"))}.");
            }

            return all.Where(t => Names(t).Any(config.Whitelist.Contains)).ToList();
        }

        if (config.Blacklist.Count > 0)
        {
            return all.Where(t => !Names(t).Any(config.Blacklist.Contains)).ToList();
        }

        if (config.IncludeList.Count > 0)
        {
            var include = config.IncludeList.Select(Whole).ToList();
            return all.Where(t => Names(t).Any(n => include.Any(r => r.IsMatch(n)))).ToList();
        }

        if (config.ExcludeList.Count > 0)
        {
            var exclude = config.ExcludeList.Select(Whole).ToList();
            return all.Where(t => !Names(t).Any(n => exclude.Any(r => r.IsMatch(n)))).ToList();
        }

        return all;
    }

    private static List<TableId> AllTables(NpgsqlConnection connection, JdbcSourceConfig config)
    {
        var types = config.Types.Select(t => t == "VIEW" ? "VIEW" : "BASE TABLE").ToArray();
        using var cmd = new NpgsqlCommand(
            "SELECT current_database(), table_schema, table_name FROM information_schema.tables " +
            "WHERE table_type = ANY(@types) AND table_schema NOT IN ('pg_catalog', 'information_schema') " +
            "AND table_schema NOT LIKE 'pg\\_toast%' AND (@pattern::text IS NULL OR table_schema LIKE @pattern::text) " +
            "ORDER BY table_schema, table_name", connection);
        cmd.Parameters.AddWithValue("types", types);
        cmd.Parameters.AddWithValue("pattern", (object?)config.SchemaPatternValue ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var tables = new List<TableId>();
        while (reader.Read())
        {
            tables.Add(new TableId(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return tables;
    }

    private static string[] Names(TableId t) => [t.Name, $"{t.Schema}.{t.Name}", t.Fqn];

    private static Regex Whole(string pattern) => new("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);
}
