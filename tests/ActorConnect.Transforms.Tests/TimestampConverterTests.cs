using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class TimestampConverterTests
{
    private const string Format = "yyyy MM dd HH:mm:ss SSS z";
    private const string DateAndTimeString = "1970 01 02 00:00:01 000 UTC";
    private const long DateAndTimeMillis = 86_401_000;

    private static readonly DateTime DateAndTime = DateTime.UnixEpoch.AddMilliseconds(DateAndTimeMillis);
    private static readonly DateTime DatePart = DateTime.UnixEpoch.AddDays(1);
    private static readonly DateTime TimePart = DateTime.UnixEpoch.AddSeconds(1);

    private static TimestampConverter Make(bool key, params (string, string)[] config) =>
        key ? Configured<TimestampConverterKey>(config) : Configured<TimestampConverterValue>(config);

    [Theory]
    [InlineData("Timestamp")]
    [InlineData("Date")]
    [InlineData("Time")]
    [InlineData("unix")]
    [InlineData("string")]
    public void Schemaless_timestamp_to_each_target(string target)
    {
        var result = Make(false, ("target.type", target), ("format", Format)).Apply(Value(null, DateAndTime))!;

        Assert.Null(result.ValueSchema);
        Assert.Equal(target switch
        {
            "Timestamp" => DateAndTime,
            "Date" => DatePart,
            "Time" => TimePart,
            "unix" => DateAndTimeMillis,
            _ => (object)DateAndTimeString,
        }, result.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_schema_unix_to_timestamp_and_string_to_timestamp(bool key)
    {
        var fromUnix = Side(Make(key, ("target.type", "Timestamp")).Apply(OnSide(key, Schema.Int64Schema, DateAndTimeMillis))!, key);
        var fromString = Side(Make(key, ("target.type", "Timestamp"), ("format", Format)).Apply(OnSide(key, Schema.StringSchema, DateAndTimeString))!, key);

        Assert.Equal(LogicalTypes.Timestamp().Build(), fromUnix.Schema);
        Assert.Equal(DateAndTime, fromUnix.Value);
        Assert.Equal(DateAndTime, fromString.Value);
    }

    [Fact]
    public void With_schema_timestamp_to_date_time_and_unix_keeps_optionality()
    {
        var optionalTimestamp = LogicalTypes.Timestamp().Optional().Build();

        var date = Make(false, ("target.type", "Date")).Apply(Value(LogicalTypes.Timestamp().Build(), DateAndTime))!;
        var time = Make(false, ("target.type", "Time")).Apply(Value(optionalTimestamp, DateAndTime))!;
        var unix = Make(false, ("target.type", "unix")).Apply(Value(optionalTimestamp, null))!;

        Assert.Equal(LogicalTypes.Date().Build(), date.ValueSchema);
        Assert.Equal(DatePart, date.Value);
        Assert.Equal(LogicalTypes.Time().Optional().Build(), time.ValueSchema);
        Assert.Equal(TimePart, time.Value);
        Assert.Equal(Schema.OptionalInt64Schema, unix.ValueSchema);
        Assert.Null(unix.Value);
    }

    [Theory]
    [InlineData("seconds", 86_401L)]
    [InlineData("milliseconds", 86_401_000L)]
    [InlineData("microseconds", 86_401_000_000L)]
    [InlineData("nanoseconds", 86_401_000_000_000L)]
    public void Unix_precision_both_ways(string precision, long unix)
    {
        var toUnix = Make(false, ("target.type", "unix"), ("unix.precision", precision));
        var fromUnix = Make(false, ("target.type", "Timestamp"), ("unix.precision", precision));

        Assert.Equal(unix, toUnix.Apply(Value(null, DateAndTime))!.Value);
        Assert.Equal(DateAndTime, fromUnix.Apply(Value(null, unix))!.Value);
    }

    [Fact]
    public void Kafka_docs_example_a_struct_field_to_a_formatted_string()
    {
        var schema = SchemaBuilder.Struct().Field("ts", LogicalTypes.Timestamp().Build()).Field("other", Schema.StringSchema).Build();
        var transform = Make(false, ("field", "ts"), ("target.type", "string"), ("format", "yyyy-MM-dd"));

        var result = transform.Apply(Value(schema, new Struct(schema).Put("ts", Timestamp.UtcDateTime).Put("other", "x")))!;

        Assert.Equal(Schema.StringSchema, result.ValueSchema!.Field("ts")!.Schema);
        Assert.Equal("2017-01-03", ((Struct)result.Value!).Get("ts"));
        Assert.Equal("x", ((Struct)result.Value).Get("other"));
    }

    [Fact]
    public void A_map_field_schemaless()
    {
        var result = Make(false, ("field", "ts"), ("target.type", "Timestamp")).Apply(Value(null, Map(("ts", DateAndTimeMillis), ("other", 1))))!;

        Assert.Equal(Map(("ts", DateAndTime), ("other", 1)), (IDictionary<string, object?>)result.Value!);
    }

    [Fact]
    public void Text_that_does_not_match_the_format_is_refused()
    {
        var e = Assert.Throws<DataException>(() => Make(false, ("target.type", "unix"), ("format", "yyyy-MM-dd")).Apply(Value(null, "not a date")));

        Assert.Equal("Could not parse timestamp: value (not a date) does not match pattern (yyyy-MM-dd)", e.Message);
    }

    [Fact]
    public void A_schema_that_is_no_timestamp_is_refused()
    {
        var e = Assert.Throws<ConnectException>(() => Make(false, ("target.type", "unix")).Apply(Value(Schema.BooleanSchema, true)));

        Assert.Equal("Schema Schema{Boolean} does not correspond to a known timestamp type format", e.Message);
    }

    [Fact]
    public void Config_errors_name_the_key()
    {
        Assert.Equal("Missing required configuration \"target.type\" which has no default value.", Assert.Throws<ConfigException>(() => Make(false)).Message);
        Assert.StartsWith("Invalid value invalid for configuration target.type: String must be one of:",
            Assert.Throws<ConfigException>(() => Make(false, ("target.type", "invalid"))).Message);
        Assert.StartsWith("Invalid value hours for configuration unix.precision",
            Assert.Throws<ConfigException>(() => Make(false, ("target.type", "unix"), ("unix.precision", "hours"))).Message);
        Assert.Contains("format option", Assert.Throws<ConfigException>(() => Make(false, ("target.type", "string"))).Message);
        Assert.StartsWith("Invalid value yyyy-DDD for configuration format",
            Assert.Throws<ConfigException>(() => Make(false, ("target.type", "string"), ("format", "yyyy-DDD"))).Message);
    }
}
