namespace ActorConnect.Connectors.Jdbc;

/// <summary>A PostgreSQL table: database (catalog), schema and name.</summary>
internal sealed record TableId(string Database, string Schema, string Name)
{
    /// <summary>The fully qualified name as kafka-connect-jdbc writes it in source partitions (no quotes).</summary>
    public string Fqn => $"{Database}.{Schema}.{Name}";

    /// <summary>The name quoted for SQL (the database is implied by the connection).</summary>
    public string Quoted => $"{Sql.Quote(Schema)}.{Sql.Quote(Name)}";

    public override string ToString() => Fqn;

    /// <summary>Parses <c>db.schema.table</c> as written by <see cref="Fqn"/>.</summary>
    public static TableId ParseFqn(string fqn)
    {
        var parts = fqn.Split('.', 3);
        return parts.Length == 3 ? new TableId(parts[0], parts[1], parts[2]) : throw new FormatException($"Not a db.schema.table name: {fqn}");
    }
}

/// <summary>Small SQL text helpers shared by the source and the sink.</summary>
internal static class Sql
{
    /// <summary>Quotes an identifier (kafka-connect-jdbc's default <c>quote.sql.identifiers=always</c>).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
