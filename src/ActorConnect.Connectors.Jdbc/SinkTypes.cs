using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using NpgsqlTypes;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>Connect schemas to PostgreSQL column types and Npgsql parameter values (kafka-connect-jdbc's PostgreSQL dialect mapping).</summary>
internal static class SinkTypes
{
    /// <summary>The column type <c>auto.create</c> and <c>auto.evolve</c> use.</summary>
    public static string ColumnType(Schema schema, string column)
    {
        if (LogicalTypes.IsDecimal(schema))
        {
            return "numeric";
        }

        if (LogicalTypes.IsDate(schema))
        {
            return "date";
        }

        if (LogicalTypes.IsTime(schema))
        {
            return "time";
        }

        if (LogicalTypes.IsTimestamp(schema))
        {
            return "timestamp";
        }

        return schema.Type switch
        {
            SchemaType.Int8 or SchemaType.Int16 => "smallint",
            SchemaType.Int32 => "integer",
            SchemaType.Int64 => "bigint",
            SchemaType.Float32 => "real",
            SchemaType.Float64 => "double precision",
            SchemaType.Boolean => "boolean",
            SchemaType.String => "text",
            SchemaType.Bytes => "bytea",
            _ => throw new ConnectException($"Field \"{column}\" is a {schema.Type}, which has no PostgreSQL column type here: flatten it first (transforms=flatten, Flatten$Value) or drop it with fields.whitelist."),
        };
    }

    public static NpgsqlDbType ParameterType(Schema schema)
    {
        if (LogicalTypes.IsDecimal(schema))
        {
            return NpgsqlDbType.Numeric;
        }

        if (LogicalTypes.IsDate(schema))
        {
            return NpgsqlDbType.Date;
        }

        if (LogicalTypes.IsTime(schema))
        {
            return NpgsqlDbType.Time;
        }

        if (LogicalTypes.IsTimestamp(schema))
        {
            return NpgsqlDbType.TimestampTz;
        }

        return schema.Type switch
        {
            SchemaType.Int8 or SchemaType.Int16 => NpgsqlDbType.Smallint,
            SchemaType.Int32 => NpgsqlDbType.Integer,
            SchemaType.Int64 => NpgsqlDbType.Bigint,
            SchemaType.Float32 => NpgsqlDbType.Real,
            SchemaType.Float64 => NpgsqlDbType.Double,
            SchemaType.Boolean => NpgsqlDbType.Boolean,
            SchemaType.Bytes => NpgsqlDbType.Bytea,
            _ => NpgsqlDbType.Text,
        };
    }

    /// <summary>
    /// The PostgreSQL type of what <see cref="ParameterType"/> sends, spelled as <c>format_type</c> spells it, so a
    /// table column of exactly this type takes the value by binary COPY without a cast.
    /// </summary>
    public static string SentType(Schema schema) => ParameterType(schema) switch
    {
        NpgsqlDbType.Numeric => "numeric",
        NpgsqlDbType.Date => "date",
        NpgsqlDbType.Time => "time without time zone",
        NpgsqlDbType.TimestampTz => "timestamp with time zone",
        NpgsqlDbType.Smallint => "smallint",
        NpgsqlDbType.Integer => "integer",
        NpgsqlDbType.Bigint => "bigint",
        NpgsqlDbType.Real => "real",
        NpgsqlDbType.Double => "double precision",
        NpgsqlDbType.Boolean => "boolean",
        NpgsqlDbType.Bytea => "bytea",
        _ => "text",
    };

    /// <summary>The value as Npgsql wants it for <see cref="ParameterType"/>.</summary>
    public static object ParameterValue(Schema schema, object? value, string column)
    {
        if (value is null)
        {
            return DBNull.Value;
        }

        if (LogicalTypes.IsDecimal(schema))
        {
            return value is byte[] raw ? LogicalTypes.DecimalFromBytes(schema, raw) : Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (LogicalTypes.IsDate(schema))
        {
            return value switch
            {
                DateOnly d => d,
                DateTime dt => DateOnly.FromDateTime(dt),
                DateTimeOffset dto => DateOnly.FromDateTime(dto.UtcDateTime),
                int days => DateOnly.FromDateTime(LogicalTypes.DateFromDays(days)),
                _ => throw Unexpected(value, column, schema),
            };
        }

        if (LogicalTypes.IsTime(schema))
        {
            return value switch
            {
                TimeOnly t => t.ToTimeSpan(),
                DateTime dt => dt.TimeOfDay,
                int ms => TimeSpan.FromMilliseconds(ms),
                _ => throw Unexpected(value, column, schema),
            };
        }

        if (LogicalTypes.IsTimestamp(schema))
        {
            return value switch
            {
                DateTime { Kind: DateTimeKind.Local } dt => dt.ToUniversalTime(),
                DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc),
                DateTimeOffset dto => dto.UtcDateTime,
                long ms => LogicalTypes.TimestampFromMillis(ms),
                _ => throw Unexpected(value, column, schema),
            };
        }

        return schema.Type switch
        {
            SchemaType.Int8 => (short)(sbyte)value,
            SchemaType.Struct or SchemaType.Array or SchemaType.Map => throw new ConnectException($"Field \"{column}\" is a {schema.Type}, which cannot be written to a column: flatten it first (Flatten$Value) or leave it out with fields.whitelist."),
            _ => value,
        };
    }

    private static DataException Unexpected(object value, string column, Schema schema) =>
        new($"Field \"{column}\" holds a {value.GetType().Name}, which does not fit its schema {schema}");
}
