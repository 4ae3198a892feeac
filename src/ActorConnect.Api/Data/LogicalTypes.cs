using System.Numerics;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Data;

/// <summary>
/// Kafka Connect's logical types: a schema name on a physical type. The names are Kafka Connect's own,
/// so data produced by either runtime reads the same in the other. In .NET the logical values are
/// <see cref="decimal"/> for Decimal and UTC <see cref="DateTime"/> for Date, Time and Timestamp.
/// </summary>
public static class LogicalTypes
{
    /// <summary>Schema name of Decimal (BYTES: two's-complement big-endian unscaled value, parameter <c>scale</c>).</summary>
    public const string DecimalName = "org.apache.kafka.connect.data.Decimal";
    /// <summary>Schema name of Date (INT32: days since the Unix epoch).</summary>
    public const string DateName = "org.apache.kafka.connect.data.Date";
    /// <summary>Schema name of Time (INT32: milliseconds since midnight).</summary>
    public const string TimeName = "org.apache.kafka.connect.data.Time";
    /// <summary>Schema name of Timestamp (INT64: milliseconds since the Unix epoch).</summary>
    public const string TimestampName = "org.apache.kafka.connect.data.Timestamp";
    /// <summary>The Decimal parameter holding the scale.</summary>
    public const string ScaleField = "scale";

    /// <summary>A builder for a Decimal schema of the given scale.</summary>
    public static SchemaBuilder Decimal(int scale) =>
        SchemaBuilder.Bytes().Name(DecimalName).Version(1).Parameter(ScaleField, scale.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A builder for a Date schema.</summary>
    public static SchemaBuilder Date() => SchemaBuilder.Int32().Name(DateName).Version(1);

    /// <summary>A builder for a Time schema.</summary>
    public static SchemaBuilder Time() => SchemaBuilder.Int32().Name(TimeName).Version(1);

    /// <summary>A builder for a Timestamp schema.</summary>
    public static SchemaBuilder Timestamp() => SchemaBuilder.Int64().Name(TimestampName).Version(1);

    /// <summary>True for a Decimal schema.</summary>
    public static bool IsDecimal(Schema? s) => s?.Name == DecimalName;
    /// <summary>True for a Date schema.</summary>
    public static bool IsDate(Schema? s) => s?.Name == DateName;
    /// <summary>True for a Time schema.</summary>
    public static bool IsTime(Schema? s) => s?.Name == TimeName;
    /// <summary>True for a Timestamp schema.</summary>
    public static bool IsTimestamp(Schema? s) => s?.Name == TimestampName;

    /// <summary>The scale of a Decimal schema.</summary>
    public static int ScaleOf(Schema schema) =>
        schema.Parameters.TryGetValue(ScaleField, out var s) && int.TryParse(s, out var scale)
            ? scale
            : throw new DataException($"Invalid Decimal schema: parameter '{ScaleField}' is missing or not an integer");

    /// <summary>Encodes a decimal as Kafka Connect does: the unscaled value, two's complement, big-endian.</summary>
    /// <remarks>The value is rounded (half to even) to the schema's scale; any scale, negative included, is exact.</remarks>
    public static byte[] DecimalToBytes(Schema schema, decimal value)
    {
        var scale = ScaleOf(schema);
        if (scale is >= 0 and <= 28)
        {
            value = decimal.Round(value, scale);
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var unscaled = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        if (bits[3] < 0)
        {
            unscaled = -unscaled;
        }

        var shift = scale - value.Scale;
        unscaled = shift >= 0 ? unscaled * BigInteger.Pow(10, shift) : RoundHalfEven(unscaled, BigInteger.Pow(10, -shift));
        return unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
    }

    /// <summary>Decodes Kafka Connect's Decimal bytes, keeping the schema's scale when <see cref="decimal"/> can hold it.</summary>
    public static decimal DecimalFromBytes(Schema schema, byte[] bytes)
    {
        var scale = ScaleOf(schema);
        var unscaled = new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        // decimal holds 96 bits of mantissa and a scale of at most 28: drop digits (rounding) until it fits.
        while (scale > 28 || (scale > 0 && BigInteger.Abs(unscaled) > DecimalMaxMantissa))
        {
            unscaled = RoundHalfEven(unscaled, 10);
            scale--;
        }

        var magnitude = BigInteger.Abs(unscaled);
        if (magnitude > DecimalMaxMantissa)
        {
            throw new DataException($"Decimal value {unscaled}E{-scale} is out of the range of .NET decimal (about ±7.9E28)");
        }

        return new decimal((int)(uint)(magnitude & uint.MaxValue), (int)(uint)((magnitude >> 32) & uint.MaxValue), (int)(uint)(magnitude >> 64), unscaled.Sign < 0, (byte)scale);
    }

    /// <summary>Days since the epoch for a Date value; the time of day must be zero, as in Kafka Connect.</summary>
    public static int DateToDays(DateTime value)
    {
        var utc = ToUtc(value);
        if (utc.TimeOfDay != TimeSpan.Zero)
        {
            throw new DataException("Kafka Connect Date type should not have any time fields set to non-zero values.");
        }

        return (int)(utc - DateTime.UnixEpoch).TotalDays;
    }

    /// <summary>The Date value for a day count.</summary>
    public static DateTime DateFromDays(int days) => DateTime.UnixEpoch.AddDays(days);

    /// <summary>Milliseconds since midnight for a Time value, which must fall on 1970-01-01 as in Kafka Connect.</summary>
    public static int TimeToMillis(DateTime value)
    {
        var utc = ToUtc(value);
        if (utc.Date != DateTime.UnixEpoch)
        {
            throw new DataException("Kafka Connect Time type should not have any date fields set to non-zero values.");
        }

        return (int)utc.TimeOfDay.TotalMilliseconds;
    }

    /// <summary>The Time value for milliseconds since midnight.</summary>
    public static DateTime TimeFromMillis(int millis) => DateTime.UnixEpoch.AddMilliseconds(millis);

    /// <summary>Milliseconds since the epoch for a Timestamp value (sub-millisecond ticks are dropped, rounding down as Java's Date does).</summary>
    public static long TimestampToMillis(DateTime value)
    {
        // Integer arithmetic: TimeSpan.TotalMilliseconds is a double and loses a millisecond far from the epoch.
        var millis = Math.DivRem(ToUtc(value).Ticks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerMillisecond, out var remainder);
        return remainder < 0 ? millis - 1 : millis;
    }

    /// <summary>The Timestamp value for milliseconds since the epoch.</summary>
    public static DateTime TimestampFromMillis(long millis) => DateTime.UnixEpoch.AddMilliseconds(millis);

    private static DateTime ToUtc(DateTime value) => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static readonly BigInteger DecimalMaxMantissa = (BigInteger.One << 96) - 1;

    private static BigInteger RoundHalfEven(BigInteger value, BigInteger divisor)
    {
        var quotient = BigInteger.DivRem(value, divisor, out var remainder);
        var twice = BigInteger.Abs(remainder) * 2;
        if (twice > divisor || (twice == divisor && !quotient.IsEven))
        {
            quotient += value.Sign;
        }

        return quotient;
    }
}
