using System.Text;
using ActorConnect.Api.Data;
using ActorConnect.Converters;
using FsCheck;
using FsCheck.Xunit;

namespace ActorConnect.Converters.Tests;

[Properties(Arbitrary = new[] { typeof(ConnectGenerators) }, MaxTest = 400, EndSize = 100)]
public class JsonConverterPropertyTests
{
    private static JsonConverter Converter(params (string Key, string Value)[] settings)
    {
        var converter = new JsonConverter();
        converter.Configure(settings.ToDictionary(s => s.Key, s => s.Value), isKey: false);
        return converter;
    }

    private static bool RoundTrips(JsonConverter converter, SchemaCase c)
    {
        var bytes = converter.FromConnectData("t", ConnectHeaders.Empty, c.Schema, c.Value);
        var back = converter.ToConnectData("t", ConnectHeaders.Empty, bytes);
        return c.Schema.Equals(back.Schema) && Struct.ValueEquals(c.Value, back.Value);
    }

    [Property]
    public bool Every_schema_and_value_round_trips(SchemaCase c) => RoundTrips(Converter(), c);

    [Property]
    public bool Round_trips_with_numeric_decimals_and_without_default_replacement(SchemaCase c) =>
        RoundTrips(Converter(("decimal.format", "NUMERIC"), ("replace.null.with.default", "false")), c);

    [Property]
    public bool Round_trips_without_a_schema_cache(SchemaCase c) => RoundTrips(Converter(("schemas.cache.size", "0")), c);

    [Property(MaxTest = 100)]
    public bool One_converter_round_trips_many_schemas_in_turn(SchemaCase[] cases)
    {
        var converter = Converter(("schemas.cache.size", "3"));
        return cases.All(c => RoundTrips(converter, c)) && cases.All(c => RoundTrips(converter, c));
    }

    [Property]
    public bool Schema_json_round_trips(SchemaCase c)
    {
        var converter = Converter();
        var json = converter.AsJsonSchema(c.Schema)!;
        return c.Schema.Equals(converter.AsConnectSchema(json)) && json == Converter().AsJsonSchema(converter.AsConnectSchema(json));
    }

    [Property]
    public bool Payload_without_schema_reads_back_with_the_schema(SchemaCase c)
    {
        // What a schemas.enable=false writer emits is the payload the envelope carries.
        var plain = Converter(("schemas.enable", "false")).FromConnectData("t", ConnectHeaders.Empty, c.Schema, c.Value)!;
        var enveloped = Encoding.UTF8.GetString(Converter().FromConnectData("t", ConnectHeaders.Empty, c.Schema, c.Value)!);
        return enveloped.EndsWith(",\"payload\":" + Encoding.UTF8.GetString(plain) + "}", StringComparison.Ordinal);
    }

    [Property]
    public bool Schemaless_values_round_trip(PlainValue v)
    {
        foreach (var converter in new[] { Converter(("schemas.enable", "false")), Converter() })
        {
            var bytes = converter.FromConnectData("t", ConnectHeaders.Empty, null, v.Value);
            var back = converter.ToConnectData("t", ConnectHeaders.Empty, bytes);
            if (back.Schema is not null || !Struct.ValueEquals(v.Value, back.Value))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 1000)]
    public bool Decimal_base64_matches_LogicalTypes((decimal Value, int Scale) d)
    {
        var schema = LogicalTypes.Decimal(d.Scale).Build();
        var payload = Encoding.UTF8.GetString(Converter(("schemas.enable", "false")).FromConnectData("t", ConnectHeaders.Empty, schema, d.Value)!);
        var expected = LogicalTypes.DecimalToBytes(schema, d.Value);
        var converter = Converter();
        var back = (decimal)converter.ToConnectData("t", ConnectHeaders.Empty, converter.FromConnectData("t", ConnectHeaders.Empty, schema, d.Value)).Value!;
        return payload == "\"" + Convert.ToBase64String(expected) + "\"" && back == d.Value && back == LogicalTypes.DecimalFromBytes(schema, expected);
    }

    [Property(MaxTest = 1000)]
    public bool Decimal_numeric_keeps_the_schema_scale((decimal Value, int Scale) d)
    {
        var schema = LogicalTypes.Decimal(d.Scale).Build();
        var payload = Encoding.UTF8.GetString(Converter(("schemas.enable", "false"), ("decimal.format", "NUMERIC")).FromConnectData("t", ConnectHeaders.Empty, schema, d.Value)!);
        var converter = Converter(("decimal.format", "NUMERIC"));
        var back = (decimal)converter.ToConnectData("t", ConnectHeaders.Empty, converter.FromConnectData("t", ConnectHeaders.Empty, schema, d.Value)).Value!;
        var decimals = payload.Contains('.') ? payload.Length - payload.IndexOf('.') - 1 : 0;

        // The scale is written in full unless the digits do not fit a .NET decimal (29 significant digits).
        var integerDigits = decimal.Truncate(decimal.Abs(d.Value)).ToString(System.Globalization.CultureInfo.InvariantCulture).TrimStart('0').Length;
        return back == d.Value && (decimals == d.Scale || integerDigits + d.Scale > 28);
    }
}
