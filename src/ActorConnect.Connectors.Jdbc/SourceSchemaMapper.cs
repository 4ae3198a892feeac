using ActorConnect.Api.Data;
using Npgsql;
using Npgsql.Schema;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>One result column: its Connect schema and how to read its value from a row.</summary>
internal sealed record SourceColumn(string Name, int Ordinal, Schema Schema, Func<NpgsqlDataReader, int, object?> Read, string PgType, bool Nullable);

/// <summary>
/// Maps PostgreSQL result columns to a Connect struct schema, as kafka-connect-jdbc's dialect does: integer kinds to
/// INT16/32/64, real/double to FLOAT32/64, numeric to Decimal (or by <c>numeric.mapping</c>), text kinds, uuid, json
/// and jsonb to STRING, bytea to BYTES, date/time/timestamp(tz) to the Date/Time/Timestamp logical types (instants in
/// UTC; timestamps without time zone are read in <c>db.timezone</c>). Nullable columns are optional fields. Columns of
/// a type with no sensible mapping (arrays, composites) are left out with a warning, as kafka-connect-jdbc does.
/// </summary>
internal static class SourceSchemaMapper
{
    /// <summary>The scale given to numeric columns declared without one (their values are rounded half-even to it).</summary>
    public const int UnconstrainedNumericScale = 10;

    public static (Schema Schema, IReadOnlyList<SourceColumn> Columns, IReadOnlyList<string> Skipped) Map(
        IReadOnlyList<NpgsqlDbColumn> columns, string? schemaName, string numericMapping, TimeZoneInfo dbZone, Func<NpgsqlDbColumn, bool> isNullable)
    {
        var builder = SchemaBuilder.Struct();
        if (schemaName is not null)
        {
            builder.Name(schemaName);
        }

        var mapped = new List<SourceColumn>();
        var skipped = new List<string>();
        foreach (var column in columns)
        {
            var nullable = isNullable(column);
            var pgType = column.PostgresType?.InternalName ?? column.DataTypeName;
            var mapping = MapType(pgType, column, numericMapping, dbZone);
            if (mapping is null)
            {
                skipped.Add($"{column.ColumnName} ({column.DataTypeName})");
                continue;
            }

            var (fieldBuilder, read) = mapping.Value;
            if (nullable)
            {
                fieldBuilder.Optional();
            }

            var fieldSchema = fieldBuilder.Build();
            builder.Field(column.ColumnName, fieldSchema);
            mapped.Add(new SourceColumn(column.ColumnName, column.ColumnOrdinal ?? mapped.Count, fieldSchema, read, pgType, nullable));
        }

        return (builder.Build(), mapped, skipped);
    }

    /// <summary>Reads a timestamp column (with or without time zone) as a UTC instant.</summary>
    public static DateTime ReadInstant(NpgsqlDataReader r, int i, TimeZoneInfo dbZone)
    {
        var value = r.GetFieldValue<DateTime>(i);
        return value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => TimeZoneInfo.ConvertTimeToUtc(value, dbZone),
        };
    }

    private static (SchemaBuilder, Func<NpgsqlDataReader, int, object?>)? MapType(string pgType, NpgsqlDbColumn column, string numericMapping, TimeZoneInfo dbZone)
    {
        switch (pgType)
        {
            case "int2":
                return (SchemaBuilder.Int16(), (r, i) => r.GetInt16(i));
            case "int4":
                return (SchemaBuilder.Int32(), (r, i) => r.GetInt32(i));
            case "int8":
                return (SchemaBuilder.Int64(), (r, i) => r.GetInt64(i));
            case "oid":
                return (SchemaBuilder.Int64(), (r, i) => (long)r.GetFieldValue<uint>(i));
            case "float4":
                return (SchemaBuilder.Float32(), (r, i) => r.GetFloat(i));
            case "float8":
                return (SchemaBuilder.Float64(), (r, i) => r.GetDouble(i));
            case "bool":
                return (SchemaBuilder.Bool(), (r, i) => r.GetBoolean(i));
            case "numeric":
                return MapNumeric(column.NumericPrecision, column.NumericScale, numericMapping);
            case "text" or "varchar" or "bpchar" or "char" or "name" or "citext" or "xml" or "json" or "jsonb" or "jsonpath":
                return (SchemaBuilder.String(), (r, i) => r.GetFieldValue<string>(i));
            case "uuid":
                return (SchemaBuilder.String(), (r, i) => r.GetGuid(i).ToString());
            case "bytea":
                return (SchemaBuilder.Bytes(), (r, i) => r.GetFieldValue<byte[]>(i));
            case "date":
                return (LogicalTypes.Date(), (r, i) => r.GetFieldValue<DateOnly>(i).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            case "time":
                return (LogicalTypes.Time(), (r, i) => DateTime.UnixEpoch.Add(r.GetFieldValue<TimeSpan>(i)));
            case "timetz":
                return (LogicalTypes.Time(), (r, i) => DateTime.UnixEpoch.Add(r.GetFieldValue<DateTimeOffset>(i).UtcDateTime.TimeOfDay));
            case "timestamp" or "timestamptz":
                return (LogicalTypes.Timestamp(), (r, i) => ReadInstant(r, i, dbZone));
            case "interval" or "inet" or "cidr" or "macaddr" or "macaddr8" or "money":
                return (SchemaBuilder.String(), (r, i) => Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
            default:
                // Enums arrive as text; arrays, ranges and composites have no flat Connect type.
                return column.PostgresType is Npgsql.PostgresTypes.PostgresEnumType
                    ? (SchemaBuilder.String(), (r, i) => r.GetFieldValue<string>(i))
                    : null;
        }
    }

    private static (SchemaBuilder, Func<NpgsqlDataReader, int, object?>) MapNumeric(int? precision, int? scale, string numericMapping)
    {
        var constrained = precision is > 0;
        var p = precision ?? 0;
        var s = scale ?? 0;
        if (constrained && numericMapping != "none")
        {
            if (s == 0 && p <= 18)
            {
                return p switch
                {
                    <= 2 => (SchemaBuilder.Int8(), (r, i) => (sbyte)r.GetDecimal(i)),
                    <= 4 => (SchemaBuilder.Int16(), (r, i) => (short)r.GetDecimal(i)),
                    <= 9 => (SchemaBuilder.Int32(), (r, i) => (int)r.GetDecimal(i)),
                    _ => (SchemaBuilder.Int64(), (r, i) => (long)r.GetDecimal(i)),
                };
            }

            if (s > 0 && (numericMapping == "best_fit_eager_double" || (numericMapping == "best_fit" && p <= 18)))
            {
                return (SchemaBuilder.Float64(), (r, i) => r.GetDouble(i));
            }
        }
        else if (!constrained && numericMapping is "best_fit" or "best_fit_eager_double")
        {
            return (SchemaBuilder.Float64(), (r, i) => r.GetDouble(i));
        }

        var decimalScale = constrained ? s : UnconstrainedNumericScale;
        return (LogicalTypes.Decimal(decimalScale), (r, i) => decimal.Round(r.GetDecimal(i), Math.Min(decimalScale, 28), MidpointRounding.ToEven));
    }
}
