using System.Globalization;
using ActorConnect.Api.Data;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// A literal typed as Kafka's Values.parseString types it: <c>true</c>/<c>false</c>, the narrowest integer that holds
/// a whole number, float32 for a fraction, ISO dates and times as Date/Time/Timestamp, anything else a string. Arrays
/// and maps written inline (<c>[1,2]</c>, <c>{a:1}</c>) stay strings here.
/// </summary>
internal static class LiteralValues
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static SchemaAndValue Parse(string literal)
    {
        var token = literal.Trim();
        if (token.Length == 0)
        {
            return new SchemaAndValue(Schema.StringSchema, literal);
        }

        if (token.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return SchemaAndValue.Null;
        }

        if (token.Equals("true", StringComparison.OrdinalIgnoreCase) || token.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return new SchemaAndValue(Schema.BooleanSchema, token.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        return Temporal(token) ?? Number(token) ?? new SchemaAndValue(Schema.StringSchema, literal);
    }

    private static SchemaAndValue? Temporal(string token)
    {
        const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (!char.IsAsciiDigit(token[0]))
        {
            return null;
        }

        if (DateTime.TryParseExact(token, "yyyy-MM-dd", Invariant, Utc, out var date))
        {
            return new SchemaAndValue(LogicalTypes.Date().Build(), date);
        }

        if (DateTime.TryParseExact(token, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Invariant, Utc, out var timestamp))
        {
            return new SchemaAndValue(LogicalTypes.Timestamp().Build(), timestamp);
        }

        return TimeSpan.TryParseExact(token, @"hh\:mm\:ss\.fff\Z", Invariant, out var time)
            ? new SchemaAndValue(LogicalTypes.Time().Build(), DateTime.UnixEpoch.Add(time))
            : null;
    }

    private static SchemaAndValue? Number(string token)
    {
        if (!(char.IsAsciiDigit(token[0]) || token[0] is '+' or '-'))
        {
            return null;
        }

        if (long.TryParse(token, NumberStyles.AllowLeadingSign, Invariant, out var integral))
        {
            return integral switch
            {
                >= sbyte.MinValue and <= sbyte.MaxValue => new SchemaAndValue(Schema.Int8Schema, (sbyte)integral),
                >= short.MinValue and <= short.MaxValue => new SchemaAndValue(Schema.Int16Schema, (short)integral),
                >= int.MinValue and <= int.MaxValue => new SchemaAndValue(Schema.Int32Schema, (int)integral),
                _ => new SchemaAndValue(Schema.Int64Schema, integral),
            };
        }

        if (double.TryParse(token, NumberStyles.Float, Invariant, out var d) && double.IsFinite(d))
        {
            var f = (float)d;
            return float.IsFinite(f) ? new SchemaAndValue(Schema.Float32Schema, f) : new SchemaAndValue(Schema.Float64Schema, d);
        }

        return null;
    }
}
