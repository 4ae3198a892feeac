using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// What the catalog says about a column's type beyond its OID: its name, an enum's labels, an array's element type,
/// a domain's base type. Types from extensions (hstore, ltree, citext) and user-defined ones (enums, domains) have
/// OIDs that differ per database, so they are recognised by name.
/// </summary>
/// <param name="Oid">The type's OID.</param>
/// <param name="Name">pg_type.typname ("hstore", "_int4", "mood").</param>
/// <param name="Kind">pg_type.typtype: b base, e enum, d domain, c composite, r range, p pseudo.</param>
/// <param name="ElementOid">An array's element type (pg_type.typelem when typcategory is A), else 0.</param>
/// <param name="BaseOid">A domain's base type, else 0.</param>
/// <param name="EnumLabels">An enum's labels in their sort order, comma-separated (Debezium's <c>allowed</c>).</param>
internal sealed record PgType(uint Oid, string Name, char Kind, uint ElementOid, uint BaseOid, string? EnumLabels);

/// <summary>The catalog's types for a table's columns, their array elements and domain bases.</summary>
internal sealed class PgTypes
{
    private readonly Dictionary<uint, PgType> _types;

    private PgTypes(Dictionary<uint, PgType> types) => _types = types;

    /// <summary>Built-in types only: for tests and callers without a catalog at hand.</summary>
    public static PgTypes None { get; } = new([]);

    public PgType? this[uint oid] => _types.GetValueOrDefault(oid);

    /// <summary>
    /// Reads the types of <paramref name="oids"/>, with their array element and domain base types, in one query. Read
    /// afresh for each relation message or snapshot, since an enum may have gained labels meanwhile.
    /// </summary>
    public static async Task<PgTypes> LoadAsync(NpgsqlConnection connection, IEnumerable<uint> oids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "WITH RECURSIVE wanted(oid) AS (SELECT unnest(@oids::oid[]) UNION " +
            "SELECT CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.typbasetype END FROM pg_type t JOIN wanted w ON t.oid = w.oid " +
            "WHERE (t.typcategory = 'A' AND t.typelem <> 0) OR t.typbasetype <> 0) " +
            "SELECT t.oid, t.typname::text, t.typtype, CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0::oid END, t.typbasetype, " +
            "(SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) " +
            "FROM pg_type t WHERE t.oid IN (SELECT oid FROM wanted)", connection);
        cmd.Parameters.AddWithValue("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid, oids.Distinct().ToArray());
        var types = new Dictionary<uint, PgType>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var type = new PgType(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetFieldValue<char>(2), reader.GetFieldValue<uint>(3),
                reader.GetFieldValue<uint>(4), reader.IsDBNull(5) ? null : reader.GetString(5));
            types[type.Oid] = type;
        }

        return new PgTypes(types);
    }

    /// <summary>A domain's base type, followed to the end (a domain over a domain); other types as themselves.</summary>
    public uint Resolve(uint oid)
    {
        for (var depth = 0; depth < 16 && _types.GetValueOrDefault(oid) is { BaseOid: > 0 } domain; depth++)
        {
            oid = domain.BaseOid;
        }

        return oid;
    }
}
