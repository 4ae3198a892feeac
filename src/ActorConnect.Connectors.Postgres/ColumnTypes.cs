using System.Globalization;
using System.Numerics;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// How one column's values look in a record: the field schema (Debezium's logical types) and the parser of the text
/// form pgoutput sends, plus the value a required column gets when the WAL does not carry it (Debezium's fallback: the
/// old row of an update or delete under REPLICA IDENTITY DEFAULT holds the key columns only).
/// </summary>
/// <param name="Schema">The field schema.</param>
/// <param name="Parse">The parser of the column's text form.</param>
/// <param name="Fallback">The value of a required column the WAL did not carry (null for an optional one).</param>
/// <param name="Unmapped">The type's name when Debezium has no mapping for it here and the column carries its text form.</param>
internal sealed record ColumnType(Schema Schema, Func<string, object?> Parse, object? Fallback, string? Unmapped = null);

/// <summary>Maps PostgreSQL types (by OID and type modifier) to Debezium's schemas and values.</summary>
internal static class ColumnTypes
{
    public const string DebeziumDate = "io.debezium.time.Date";
    public const string DebeziumTime = "io.debezium.time.Time";
    public const string DebeziumMicroTime = "io.debezium.time.MicroTime";
    public const string DebeziumTimestamp = "io.debezium.time.Timestamp";
    public const string DebeziumMicroTimestamp = "io.debezium.time.MicroTimestamp";
    public const string DebeziumZonedTimestamp = "io.debezium.time.ZonedTimestamp";
    public const string DebeziumZonedTime = "io.debezium.time.ZonedTime";
    public const string DebeziumJson = "io.debezium.data.Json";
    public const string DebeziumUuid = "io.debezium.data.Uuid";
    public const string VariableScaleDecimal = "io.debezium.data.VariableScaleDecimal";
    public const string DecimalPrecisionParameter = "connect.decimal.precision";

    internal const uint Bool = 16, Bytea = 17, Char = 18, Name = 19, Int8 = 20, Int2 = 21, Int4 = 23, Text = 25, Oid = 26, Json = 114, Xml = 142,
        Point = 600, Lseg = 601, Path = 602, Box = 603, Polygon = 604, Line = 628, Cidr = 650, Float4 = 700, Float8 = 701, Circle = 718, Macaddr8 = 774, Money = 790, Macaddr = 829, Inet = 869, Bpchar = 1042, Varchar = 1043,
        Date = 1082, Time = 1083, Timestamp = 1114, TimestampTz = 1184, Interval = 1186, TimeTz = 1266, Bit = 1560, Varbit = 1562, Numeric = 1700,
        Uuid = 2950, TsVector = 3614, TsQuery = 3615, Jsonb = 3802, Int4Range = 3904, NumRange = 3906, TsRange = 3908, TsTzRange = 3910,
        DateRange = 3912, Int8Range = 3926;

    private const long MicrosPerDay = 86_400_000_000L;

    /// <summary>
    /// The column type for a PostgreSQL type OID and type modifier (-1: none), as Debezium maps it under
    /// <paramref name="config"/>; <paramref name="types"/> names the types that are not built in (enums, domains,
    /// arrays, extension types). A type without a mapping carries its text form, marked <see cref="ColumnType.Unmapped"/>.
    /// </summary>
    public static ColumnType For(uint typeOid, int typeModifier, bool optional, PostgresConnectorConfig config, PgTypes? types = null)
    {
        types ??= PgTypes.None;
        typeOid = types.Resolve(typeOid);
        ColumnType Make(SchemaBuilder builder, Func<string, object?> parse, object fallback) =>
            new((optional ? builder.Optional() : builder).Build(), parse, optional ? null : fallback);

        return typeOid switch
        {
            // pgoutput sends boolout's "t"/"f"; the snapshot's column::text cast gives "true"/"false".
            Bool => Make(SchemaBuilder.Bool(), s => s is "t" or "true", false),
            Int2 => Make(SchemaBuilder.Int16(), s => short.Parse(s, CultureInfo.InvariantCulture), (short)0),
            Int4 => Make(SchemaBuilder.Int32(), s => int.Parse(s, CultureInfo.InvariantCulture), 0),
            Int8 or Oid => Make(SchemaBuilder.Int64(), s => long.Parse(s, CultureInfo.InvariantCulture), 0L),
            Float4 => Make(SchemaBuilder.Float32(), s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), 0f),
            Float8 => Make(SchemaBuilder.Float64(), s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), 0d),
            Numeric => NumericType(typeModifier, optional, config.Decimals),
            Bytea => config.Binary switch
            {
                "bytes" => Make(SchemaBuilder.Bytes(), s => ParseBytea(s), Array.Empty<byte>()),
                "base64" => Make(SchemaBuilder.String(), s => Convert.ToBase64String(ParseBytea(s)), string.Empty),
                "base64-url-safe" => Make(SchemaBuilder.String(), s => Convert.ToBase64String(ParseBytea(s)).Replace('+', '-').Replace('/', '_'), string.Empty),
                _ => Make(SchemaBuilder.String(), s => Convert.ToHexStringLower(ParseBytea(s)), string.Empty),
            },
            Json or Jsonb => Make(SchemaBuilder.String().Name(DebeziumJson).Version(1), s => s, "{}"),
            Uuid => Make(SchemaBuilder.String().Name(DebeziumUuid).Version(1), s => s, "00000000-0000-0000-0000-000000000000"),
            Date => config.TimePrecision == "connect"
                ? Make(LogicalTypes.Date(), s => LogicalTypes.DateFromDays(ParseDays(s)), DateTime.UnixEpoch)
                : Make(SchemaBuilder.Int32().Name(DebeziumDate).Version(1), s => ParseDays(s), 0),
            Time => TimeType(typeModifier, Make, config.TimePrecision),
            Timestamp => TimestampType(typeModifier, Make, config.TimePrecision),
            TimestampTz => Make(SchemaBuilder.String().Name(DebeziumZonedTimestamp).Version(1), s => ZonedTimestamp(s), "1970-01-01T00:00:00Z"),
            TimeTz => Make(SchemaBuilder.String().Name(DebeziumZonedTime).Version(1), s => ZonedTime(s), "00:00:00Z"),
            // Text kinds, network addresses, ranges and text search values: Debezium sends their text as it is.
            Text or Varchar or Bpchar or Char or Name or Inet or Cidr or Macaddr or Macaddr8 or TsVector or TsQuery
                or Int4Range or Int8Range or NumRange or TsRange or TsTzRange or DateRange => Make(SchemaBuilder.String(), s => s, string.Empty),
            _ => MoreTypes.For(typeOid, typeModifier, optional, config, types, Make),
        };
    }

    private static ColumnType TimeType(int typeModifier, Func<SchemaBuilder, Func<string, object?>, object, ColumnType> make, string mode)
    {
        var precision = typeModifier < 0 ? 6 : typeModifier;
        return mode switch
        {
            "connect" => make(LogicalTypes.Time(), s => LogicalTypes.TimeFromMillis((int)(ParseTimeMicros(s) / 1000)), DateTime.UnixEpoch),
            "adaptive" when precision <= 3 => make(SchemaBuilder.Int32().Name(DebeziumTime).Version(1), s => (int)(ParseTimeMicros(s) / 1000), 0),
            _ => make(SchemaBuilder.Int64().Name(DebeziumMicroTime).Version(1), s => ParseTimeMicros(s), 0L),
        };
    }

    private static ColumnType TimestampType(int typeModifier, Func<SchemaBuilder, Func<string, object?>, object, ColumnType> make, string mode)
    {
        var precision = typeModifier < 0 ? 6 : typeModifier;
        return mode switch
        {
            "connect" => make(LogicalTypes.Timestamp(), s => LogicalTypes.TimestampFromMillis(FloorDiv(ParseTimestampMicros(s), 1000)), DateTime.UnixEpoch),
            _ when precision <= 3 => make(SchemaBuilder.Int64().Name(DebeziumTimestamp).Version(1), s => FloorDiv(ParseTimestampMicros(s), 1000), 0L),
            _ => make(SchemaBuilder.Int64().Name(DebeziumMicroTimestamp).Version(1), s => ParseTimestampMicros(s), 0L),
        };
    }

    internal static ColumnType NumericType(int typeModifier, bool optional, string mode)
    {
        SchemaBuilder Opt(SchemaBuilder b) => optional ? b.Optional() : b;
        object? Or(object fallback) => optional ? null : fallback;
        switch (mode)
        {
            case "double":
                return new ColumnType(Opt(SchemaBuilder.Float64()).Build(), s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), Or(0d));
            case "string":
                return new ColumnType(Opt(SchemaBuilder.String()).Build(), s => s, Or("0"));
        }

        if (typeModifier < 0)
        {
            // Unconstrained numeric: every value has its own scale, so Debezium sends the scale beside the unscaled bytes.
            var schema = Opt(SchemaBuilder.Struct().Name(VariableScaleDecimal).Version(1).Doc("Variable scaled decimal")
                .Field("scale", Schema.Int32Schema).Field("value", Schema.BytesSchema)).Build();
            return new ColumnType(schema, s => VariableScale(schema, s), optional ? null : VariableScale(schema, "0"));
        }

        var precision = ((typeModifier - 4) >> 16) & 0xFFFF;
        var scale = (typeModifier - 4) & 0xFFFF;
        var decimalSchema = Opt(LogicalTypes.Decimal(scale).Parameter(DecimalPrecisionParameter, precision.ToString(CultureInfo.InvariantCulture))).Build();
        return new ColumnType(decimalSchema, ParseDecimal, Or(0m));
    }

    private static object? ParseDecimal(string s)
    {
        if (s == "NaN")
        {
            throw new DataException("A numeric column holds NaN, which Kafka Connect's Decimal cannot carry; set decimal.handling.mode=double or string.");
        }

        try
        {
            return decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw new DataException($"The numeric value {s} is beyond .NET decimal's 28 digits; set decimal.handling.mode=string to capture it exactly.");
        }
    }

    private static Struct VariableScale(Schema schema, string text)
    {
        if (text == "NaN")
        {
            throw new DataException("A numeric column holds NaN, which io.debezium.data.VariableScaleDecimal cannot carry; set decimal.handling.mode=double or string.");
        }

        var dot = text.IndexOf('.');
        var scale = dot < 0 ? 0 : text.Length - dot - 1;
        var unscaled = BigInteger.Parse(dot < 0 ? text : text.Remove(dot, 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return new Struct(schema).Put("scale", scale).Put("value", unscaled.ToByteArray(isUnsigned: false, isBigEndian: true));
    }

    private static byte[] ParseBytea(string s) =>
        s.StartsWith("\\x", StringComparison.Ordinal) ? Convert.FromHexString(s.AsSpan(2)) : System.Text.Encoding.UTF8.GetBytes(s);

    /// <summary>Days since the epoch of an ISO date ("2024-02-29"; "infinity" saturates).</summary>
    internal static int ParseDays(string s) => s switch
    {
        "infinity" => int.MaxValue,
        "-infinity" => int.MinValue,
        _ => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber,
    };

    /// <summary>Microseconds since midnight of a time ("13:45:30.123456"; "24:00:00" is the end of the day).</summary>
    internal static long ParseTimeMicros(string s)
    {
        if (s.StartsWith("24:00:00", StringComparison.Ordinal))
        {
            return MicrosPerDay;
        }

        return TimeSpan.ParseExact(s, ["hh\\:mm\\:ss", "hh\\:mm\\:ss\\.FFFFFF"], CultureInfo.InvariantCulture).Ticks / 10;
    }

    /// <summary>Microseconds since the epoch of a timestamp without time zone ("2024-02-29 13:45:30.123456").</summary>
    internal static long ParseTimestampMicros(string s) => s switch
    {
        "infinity" => long.MaxValue,
        "-infinity" => long.MinValue,
        _ when TryParseIsoTimestamp(s, out var micros) => micros,
        _ => (DateTime.ParseExact(s, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks
              - DateTime.UnixEpoch.Ticks) / 10,
    };

    /// <summary>
    /// The form PostgreSQL prints a timestamp in (DateStyle ISO) for the years 1 to 9999, "yyyy-MM-dd HH:mm:ss" with up to
    /// six digits of fraction, read digit by digit: DateTime.ParseExact's format matching was the costliest parse of a
    /// streamed row. Anything else (BC, years past 9999) is left to ParseExact.
    /// </summary>
    private static bool TryParseIsoTimestamp(string s, out long micros)
    {
        micros = 0;
        if (s.Length is < 19 or 20 or > 26 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || (s.Length > 19 && s[19] != '.')
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)
            || !Digits(s, 20, s.Length - 20, out var fraction)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        for (var digits = Math.Max(0, s.Length - 20); digits < 6; digits++)
        {
            fraction *= 10;
        }

        var days = new DateOnly(year, month, day).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        micros = (days * MicrosPerDay) + ((((hour * 60L) + minute) * 60) + second) * 1_000_000L + fraction;
        return true;
    }

    /// <summary>The decimal number of <paramref name="length"/> ASCII digits at <paramref name="start"/> (none: 0).</summary>
    private static bool Digits(string s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            if (s[i] is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }

    /// <summary>A timestamptz (printed in UTC, "2024-02-29 13:45:30.5+00") as Debezium's ZonedTimestamp: ISO-8601 in UTC, "2024-02-29T13:45:30.5Z".</summary>
    internal static string ZonedTimestamp(string s)
    {
        if (s is "infinity" or "-infinity")
        {
            return s;
        }

        var value = DateTimeOffset.ParseExact(s, ["yyyy-MM-dd HH:mm:ssz", "yyyy-MM-dd HH:mm:ss.FFFFFFz", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzzz"],
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        return value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + "Z";
    }

    /// <summary>A timetz ("13:45:30.25+02") as Debezium's ZonedTime: ISO-8601 in UTC ("11:45:30.25Z").</summary>
    internal static string ZonedTime(string s)
    {
        var sign = s.LastIndexOfAny(['+', '-']);
        var local = ParseTimeMicros(s[..sign]);
        var offsetParts = s[(sign + 1)..].Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var offsetMicros = ((offsetParts[0] * 3600L) + (offsetParts.Length > 1 ? offsetParts[1] * 60L : 0) + (offsetParts.Length > 2 ? offsetParts[2] : 0)) * 1_000_000L;
        var utc = ((local - ((s[sign] == '+' ? 1 : -1) * offsetMicros)) % MicrosPerDay + MicrosPerDay) % MicrosPerDay;
        return new DateTime(utc * 10).ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + "Z";
    }

    private static long FloorDiv(long value, long divisor)
    {
        if (value is long.MaxValue or long.MinValue)
        {
            return value;
        }

        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }
}
