using System.Globalization;
using System.Numerics;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// Cast's conversions with Java's semantics: integers narrow by keeping the low bits, floating point saturates,
/// booleans are 1/0 and non-zero, strings parse strictly (a value out of range is an error, as Java's parseByte).
/// </summary>
internal static class CastConversions
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static object To(SchemaType target, object value)
    {
        try
        {
            return target switch
            {
                SchemaType.Int8 => value is string s ? sbyte.Parse(s, NumberStyles.AllowLeadingSign, Invariant) : unchecked((sbyte)ToLong(value)),
                SchemaType.Int16 => value is string s ? short.Parse(s, NumberStyles.AllowLeadingSign, Invariant) : unchecked((short)ToLong(value)),
                SchemaType.Int32 => value is string s ? int.Parse(s, NumberStyles.AllowLeadingSign, Invariant) : ToInt(value),
                SchemaType.Int64 => value is string s ? long.Parse(s, NumberStyles.AllowLeadingSign, Invariant) : ToLong(value),
                SchemaType.Float32 => value is string s ? float.Parse(s, NumberStyles.Float, Invariant) : (float)ToDouble(value),
                SchemaType.Float64 => value is string s ? double.Parse(s, NumberStyles.Float, Invariant) : ToDouble(value),
                SchemaType.Boolean => value switch
                {
                    bool b => b,
                    string s => s.Equals("true", StringComparison.OrdinalIgnoreCase),
                    _ => ToLong(value) != 0,
                },
                SchemaType.String => JavaText.ToString(value),
                _ => throw new DataException($"{target.ToString().ToUpperInvariant()} is not supported in the Cast transformation."),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new DataException($"Value ({value}) was out of range for requested data type", e);
        }
    }

    // Java's (int) of a double saturates, while its intValue() of a long keeps the low 32 bits.
    private static int ToInt(object value) => value is float or double ? (int)ToDouble(value) : unchecked((int)ToLong(value));

    private static long ToLong(object value) => value switch
    {
        sbyte or short or int or long => Convert.ToInt64(value, Invariant),
        float f => (long)f,
        double d => (long)d,
        decimal m => unchecked((long)(ulong)(new BigInteger(decimal.Truncate(m)) & ulong.MaxValue)),
        BigInteger i => unchecked((long)(ulong)(i & ulong.MaxValue)),
        bool b => b ? 1 : 0,
        _ => throw Unexpected(value),
    };

    private static double ToDouble(object value) => value switch
    {
        sbyte or short or int or long => Convert.ToInt64(value, Invariant),
        float f => f,
        double d => d,
        decimal m => (double)m,
        BigInteger i => (double)i,
        bool b => b ? 1 : 0,
        _ => throw Unexpected(value),
    };

    private static DataException Unexpected(object value) => new($"Unexpected type in Cast transformation: {value.GetType().FullName}");
}
