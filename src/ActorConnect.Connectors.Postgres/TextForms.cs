using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Parsers of the text forms PostgreSQL prints (pgoutput and the snapshot's <c>::text</c> alike, under the session
/// settings <see cref="PostgresConnectorConfig"/> fixes) into the values Debezium's converters produce.
/// </summary>
internal static partial class TextForms
{
    /// <summary>Debezium's MicroDuration month: 365.25 / 12 days.</summary>
    private const double DaysPerMonthAverage = 365.25 / 12.0d;

    /// <summary>
    /// An interval printed with IntervalStyle=iso_8601 ("P1Y2M3DT4H5M6.789S", "PT-6.5S") as its parts: PostgreSQL
    /// keeps months, days and time apart, and prints years as months / 12 and hours as the time's whole hours.
    /// </summary>
    public static (int Years, int Months, int Days, int Hours, int Minutes, decimal Seconds) ParseInterval(string s)
    {
        var match = IsoInterval().Match(s);
        if (!match.Success)
        {
            throw new DataException($"'{s}' is not an ISO-8601 interval; the connection sets IntervalStyle=iso_8601, so this should not happen.");
        }

        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var seconds = match.Groups[6].Success ? decimal.Parse(match.Groups[6].Value, NumberStyles.Float, CultureInfo.InvariantCulture) : 0m;
        return (Part(1), Part(2), Part(3), Part(4), Part(5), seconds);
    }

    /// <summary>Debezium's io.debezium.time.MicroDuration: the interval in microseconds, a month counted as 30.4375 days, in doubles as Debezium computes it.</summary>
    public static long IntervalMicros(string s)
    {
        var (years, months, days, hours, minutes, seconds) = ParseInterval(s);
        var numberOfDays = (((years * 12) + months) * DaysPerMonthAverage) + days;
        var numberOfSeconds = (((((numberOfDays * 24) + hours) * 60) + minutes) * 60) + (double)seconds;
        return (long)(numberOfSeconds * 1e6);
    }

    /// <summary>Debezium's io.debezium.time.Interval: every part spelled out, "P1Y2M3DT4H5M6.789S", "P0Y0M0DT0H0M0S".</summary>
    public static string IntervalIso(string s)
    {
        var (years, months, days, hours, minutes, seconds) = ParseInterval(s);
        return FormattableString.Invariant($"P{years}Y{months}M{days}DT{hours}H{minutes}M{seconds.ToString("0.#########", CultureInfo.InvariantCulture)}S");
    }

    /// <summary>
    /// A money value ("$1,234.56", "-$1,234.56", "($1,234.56)" under lc_monetary=C) as a number, as Debezium's
    /// PostgresMoney reads it: the sign, the digits and the decimal point, nothing else.
    /// </summary>
    public static decimal ParseMoney(string s)
    {
        var negative = s.StartsWith('-') || s.StartsWith('(');
        var digits = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c) || c == '.')
            {
                digits.Append(c);
            }
        }

        var value = decimal.Parse(digits.ToString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    /// <summary>
    /// A bit string ("0101") as Debezium's io.debezium.data.Bits: the rightmost bit is bit 0, bytes little-endian, as
    /// few bytes as the highest set bit needs (none for all zeros), as Java's BitSet.toByteArray gives them.
    /// </summary>
    public static byte[] Bits(string s)
    {
        var bits = BigInteger.Zero;
        foreach (var c in s)
        {
            bits = (bits << 1) | (c == '1' ? BigInteger.One : BigInteger.Zero);
        }

        return bits.IsZero ? [] : bits.ToByteArray(isUnsigned: true, isBigEndian: false);
    }

    /// <summary>A point "(1.5,-2)" as its coordinates.</summary>
    public static (double X, double Y) ParsePoint(string s)
    {
        var parts = s.Trim('(', ')', ' ').Split(',');
        if (parts.Length != 2)
        {
            throw new DataException($"'{s}' is not a point (x,y).");
        }

        return (double.Parse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture), double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>The well-known binary of a 2D point, as Debezium's Point carries it: byte order 1 (little-endian), type 1, x, y.</summary>
    public static byte[] PointWkb(double x, double y)
    {
        var wkb = new byte[21];
        wkb[0] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(wkb.AsSpan(1), 1);
        BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(5), x);
        BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(13), y);
        return wkb;
    }

    /// <summary>An hstore ("\"a\"=>\"1\", \"b\"=>NULL") as its pairs, in the order the server prints them.</summary>
    public static Dictionary<string, string?> ParseHstore(string s)
    {
        var pairs = new Dictionary<string, string?>();
        var i = 0;
        while (true)
        {
            SkipSpaces(s, ref i);
            if (i >= s.Length)
            {
                return pairs;
            }

            var key = ReadHstoreItem(s, ref i, out _);
            SkipSpaces(s, ref i);
            if (!s.AsSpan(i).StartsWith("=>"))
            {
                throw new DataException($"'{s}' is not an hstore: '=>' expected at {i}.");
            }

            i += 2;
            SkipSpaces(s, ref i);
            var value = ReadHstoreItem(s, ref i, out var quoted);
            pairs[key] = !quoted && value.Equals("NULL", StringComparison.OrdinalIgnoreCase) ? null : value;
            SkipSpaces(s, ref i);
            if (i < s.Length && s[i] == ',')
            {
                i++;
            }
        }
    }

    /// <summary>hstore.handling.mode=json: the pairs as a JSON object of strings (null values stay null), as Debezium writes it.</summary>
    public static string HstoreJson(string s)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var (key, value) in ParseHstore(s))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string ReadHstoreItem(string s, ref int i, out bool quoted)
    {
        var item = new StringBuilder();
        quoted = i < s.Length && s[i] == '"';
        if (quoted)
        {
            for (i++; i < s.Length && s[i] != '"'; i++)
            {
                item.Append(s[i] == '\\' && i + 1 < s.Length ? s[++i] : s[i]);
            }

            i++;
            return item.ToString();
        }

        for (; i < s.Length && s[i] is not (',' or '=' or ' '); i++)
        {
            item.Append(s[i]);
        }

        return item.ToString();
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }

    [GeneratedRegex(@"^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoInterval();
}
