using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Converters;

/// <summary>
/// The logical types, both ways: Decimal (base64 of the unscaled big-endian two's complement, or a JSON number), Date
/// (days since the epoch), Time (milliseconds of the day) and Timestamp (milliseconds since the epoch).
/// </summary>
public sealed partial class JsonConverter
{
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private object? ReadDecimal(ref Utf8JsonReader reader, SchemaCodec codec, string? field)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetDecimal(out var number)
                    ? number
                    : throw new DataException($"Decimal value {reader.GetDouble()} is outside the range of .NET decimal{ForField(field)}");
            case JsonTokenType.String:
                if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.Length <= 24)
                {
                    Span<byte> raw = stackalloc byte[18];
                    if (Base64.DecodeFromUtf8(reader.ValueSpan, raw, out _, out var written) == System.Buffers.OperationStatus.Done
                        && TryDecodeDecimal(raw[..written], codec.Scale, out var fast))
                    {
                        return fast;
                    }
                }

                if (!reader.TryGetBytesFromBase64(out var bytes))
                {
                    throw new DataException($"Invalid bytes for Decimal field{ForField(field)}: the JSON string is not base64");
                }

                try
                {
                    return LogicalTypes.DecimalFromBytes(codec.Schema, bytes);
                }
                catch (DataException e) when (field is not null)
                {
                    throw WithField(e, field);
                }

            default:
                throw new DataException($"Invalid type for Decimal, underlying representation should be numeric or bytes but was {NodeType(reader.TokenType)}{ForField(field)}");
        }
    }

    /// <summary>Decodes Kafka's Decimal bytes without allocating when the unscaled value fits a .NET decimal as is.</summary>
    internal static bool TryDecodeDecimal(ReadOnlySpan<byte> unscaled, int scale, out decimal value)
    {
        value = 0;
        if (unscaled.IsEmpty || unscaled.Length > 16 || scale is < 0 or > 28)
        {
            return false;
        }

        Span<byte> full = stackalloc byte[16];
        full.Fill((unscaled[0] & 0x80) != 0 ? (byte)0xFF : (byte)0x00);
        unscaled.CopyTo(full[(16 - unscaled.Length)..]);
        var signed = BinaryPrimitives.ReadInt128BigEndian(full);
        var negative = signed < 0;
        var magnitude = negative ? (UInt128)(-(signed + 1)) + 1 : (UInt128)signed;
        if (magnitude >> 96 != 0)
        {
            return false;
        }

        value = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);
        return true;
    }

    private void WriteDecimal(Utf8JsonWriter writer, SchemaCodec codec, object value, string? field)
    {
        decimal number;
        switch (value)
        {
            case decimal d:
                number = d;
                break;
            case byte[] raw when _decimalFormat == DecimalFormat.Base64:
                writer.WriteBase64StringValue(raw);
                return;
            case byte[] raw:
                try
                {
                    number = LogicalTypes.DecimalFromBytes(codec.Schema, raw);
                }
                catch (DataException e) when (field is not null)
                {
                    throw WithField(e, field);
                }

                break;
            default:
                throw InvalidType(codec, value, field);
        }

        if (_decimalFormat == DecimalFormat.Numeric)
        {
            writer.WriteNumberValue(Rescale(number, codec.Scale));
            return;
        }

        Span<byte> unscaled = stackalloc byte[16];
        if (TryEncodeDecimal(number, codec.Scale, unscaled, out var length))
        {
            writer.WriteBase64StringValue(unscaled[..length]);
        }
        else
        {
            writer.WriteBase64StringValue(LogicalTypes.DecimalToBytes(codec.Schema, number));
        }
    }

    private static int DateValue(SchemaCodec codec, object value, string? field)
    {
        DateTime instant;
        switch (value)
        {
            case int days:
                return days;
            case DateOnly date:
                return date.DayNumber - EpochDayNumber;
            case DateTime v:
                instant = v;
                break;
            case DateTimeOffset v:
                instant = v.UtcDateTime;
                break;
            default:
                throw InvalidType(codec, value, field);
        }

        try
        {
            return LogicalTypes.DateToDays(instant);
        }
        catch (DataException e) when (field is not null)
        {
            throw WithField(e, field);
        }
    }

    private static int TimeValue(SchemaCodec codec, object value, string? field)
    {
        switch (value)
        {
            case int millis:
                return millis;
            case TimeOnly time:
                return (int)(time.Ticks / TimeSpan.TicksPerMillisecond);
            case TimeSpan span when span >= TimeSpan.Zero && span < TimeSpan.FromDays(1):
                return (int)(span.Ticks / TimeSpan.TicksPerMillisecond);
            case DateTime instant:
                try
                {
                    return LogicalTypes.TimeToMillis(instant);
                }
                catch (DataException e) when (field is not null)
                {
                    throw WithField(e, field);
                }

            default:
                throw InvalidType(codec, value, field);
        }
    }

    private static long TimestampValue(SchemaCodec codec, object value, string? field) => value switch
    {
        long millis => millis,
        DateTime v => LogicalTypes.TimestampToMillis(v),
        DateTimeOffset v => v.ToUnixTimeMilliseconds(),
        _ => throw InvalidType(codec, value, field),
    };

    /// <summary>
    /// Kafka's Decimal bytes (unscaled value, minimal two's complement, big-endian) without allocating, for values whose
    /// unscaled form fits 128 bits; false sends the caller to <see cref="LogicalTypes.DecimalToBytes"/>.
    /// </summary>
    internal static bool TryEncodeDecimal(decimal value, int scale, Span<byte> destination, out int length)
    {
        length = 0;
        if (scale is < 0 or > 28)
        {
            return false;
        }

        value = decimal.Round(value, scale);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var power = Pow10(scale - value.Scale);
        if (mantissa != 0 && mantissa > (UInt128)Int128.MaxValue / power)
        {
            return false;
        }

        var magnitude = (Int128)(mantissa * power);
        var unscaled = bits[3] < 0 ? -magnitude : magnitude;
        Span<byte> full = stackalloc byte[16];
        BinaryPrimitives.WriteInt128BigEndian(full, unscaled);
        var start = 0;
        while (start < 15 && ((full[start] == 0x00 && (full[start + 1] & 0x80) == 0) || (full[start] == 0xFF && (full[start + 1] & 0x80) != 0)))
        {
            start++;
        }

        length = 16 - start;
        full[start..].CopyTo(destination);
        return true;
    }

    private static UInt128 Pow10(int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>The value rounded to <paramref name="scale"/> and written with exactly that many decimals (5 → 5.00), as Kafka's NUMERIC does.</summary>
    internal static decimal Rescale(decimal value, int scale)
    {
        if (scale is < 0 or > 28)
        {
            return value;
        }

        value = decimal.Round(value, scale);
        var missing = scale - value.Scale;
        if (missing <= 0)
        {
            return value;
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var power = Pow10(missing);
        if (mantissa > UInt128.MaxValue / power)
        {
            return value;
        }

        mantissa *= power;
        return mantissa >> 96 == 0
            ? new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), bits[3] < 0, (byte)scale)
            : value; // more digits than a decimal holds: keep the value, with fewer trailing zeros
    }
}
