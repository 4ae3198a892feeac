using System.Globalization;
using ActorConnect.Api.Data;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// Values rendered as Java's <c>toString()</c> renders them, so a value cast to a string reads the same as it would
/// from Kafka Connect: <c>true</c>, <c>1.0</c>, <c>1.0E10</c>, base64 bytes, ISO dates.
/// </summary>
internal static class JavaText
{
    private const long MillisPerDay = 24L * 60 * 60 * 1000;

    public static string ToString(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => Floating(d, d.ToString("R", CultureInfo.InvariantCulture)),
        float f => Floating(f, f.ToString("R", CultureInfo.InvariantCulture)),
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTime or DateTimeOffset or DateOnly or TimeOnly => Instant(Instants.ToUtc(value)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // Kafka's Values.dateFormatFor: a time of day below one day, a date on a midnight, else a full timestamp.
    private static string Instant(DateTime utc)
    {
        var millis = LogicalTypes.TimestampToMillis(utc);
        var format = millis < MillisPerDay ? "HH:mm:ss.fff'Z'"
            : millis % MillisPerDay == 0 ? "yyyy-MM-dd"
            : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        return utc.ToString(format, CultureInfo.InvariantCulture);
    }

    // Java writes doubles plainly between 1e-3 and 1e7, always with a decimal point, and otherwise as 1.5E10.
    private static string Floating(double value, string roundTrip)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        var abs = Math.Abs(value);
        if (abs == 0 || (abs >= 1e-3 && abs < 1e7))
        {
            var plain = abs == 0 ? (double.IsNegative(value) ? "-0" : "0") : roundTrip;
            if (plain.Contains('E'))
            {
                plain = value.ToString("0.0##################", CultureInfo.InvariantCulture);
            }

            return plain.Contains('.') ? plain : plain + ".0";
        }

        var scientific = roundTrip.Contains('E') ? roundTrip : value.ToString("0.################E+0", CultureInfo.InvariantCulture);
        var parts = scientific.Split('E');
        var mantissa = parts[0].Contains('.') ? parts[0] : parts[0] + ".0";
        return mantissa + "E" + int.Parse(parts[1], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }
}
