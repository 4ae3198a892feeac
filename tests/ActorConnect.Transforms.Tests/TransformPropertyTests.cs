using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;
using FsCheck;
using FsCheck.Xunit;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

/// <summary>Laws the transforms keep for any value: what one does, its counterpart undoes.</summary>
public class TransformPropertyTests
{
    private static readonly HoistField Hoist = Configured<HoistFieldValue>(("field", "wrapped"));
    private static readonly ExtractField Extract = Configured<ExtractFieldValue>(("field", "wrapped"));

    [Property]
    public bool Hoisting_then_extracting_gives_back_the_value_and_schema(long value, bool withSchema)
    {
        var schema = withSchema ? Schema.Int64Schema : null;

        var back = Extract.Apply(Hoist.Apply(Value(schema, value))!)!;

        return Equals(back.Value, value) && Equals(back.ValueSchema, schema);
    }

    [Property]
    public bool Casting_an_int_to_string_and_back_is_lossless(int value)
    {
        var toString = Configured<CastValue>(("spec", "string"));
        var toInt = Configured<CastValue>(("spec", "int32"));

        return Equals(toInt.Apply(toString.Apply(Value(Schema.Int32Schema, value))!)!.Value, value);
    }

    [Property]
    public bool Casting_a_double_to_string_and_back_is_lossless(NormalFloat value)
    {
        var toString = Configured<CastValue>(("spec", "string"));
        var toDouble = Configured<CastValue>(("spec", "float64"));

        return Equals(toDouble.Apply(toString.Apply(Value(null, value.Get))!)!.Value, value.Get);
    }

    [Property]
    public bool Renaming_there_and_back_gives_the_same_struct(int a, NonNull<string> b)
    {
        var schema = SchemaBuilder.Struct().Field("a", Schema.Int32Schema).Field("b", Schema.StringSchema).Build();
        var value = new Struct(schema).Put("a", a).Put("b", b.Get);
        var there = Configured<ReplaceFieldValue>(("renames", "a:x,b:y"));
        var back = Configured<ReplaceFieldValue>(("renames", "x:a,y:b"));

        return value.Equals(back.Apply(there.Apply(Value(schema, value))!)!.Value);
    }

    [Property]
    public bool A_timestamp_formatted_and_parsed_to_the_millisecond_is_unchanged(PositiveInt seconds, byte millis)
    {
        var format = JavaDateFormat.Create("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
        var instant = DateTime.UnixEpoch.AddSeconds(seconds.Get).AddMilliseconds(millis % 1000);

        return format.Parse(format.Format(instant)) == instant;
    }

    [Property]
    public bool Timestamp_to_unix_and_back_is_lossless_at_every_precision_but_seconds(PositiveInt seconds, byte millis)
    {
        var instant = DateTime.UnixEpoch.AddSeconds(seconds.Get).AddMilliseconds(millis);

        return new[] { "milliseconds", "microseconds", "nanoseconds" }.All(p =>
        {
            var unix = Configured<TimestampConverterValue>(("target.type", "unix"), ("unix.precision", p)).Apply(Value(null, instant))!.Value;
            return Equals(Configured<TimestampConverterValue>(("target.type", "Timestamp"), ("unix.precision", p)).Apply(Value(null, unix))!.Value, instant);
        });
    }
}
