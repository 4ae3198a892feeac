using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Tests;

public class LogicalTypesTests
{
    [Theory]
    [InlineData("5.00", 2, "AfQ=")] // Kafka Connect's documented example: unscaled 500 = 0x01F4
    [InlineData("-5.00", 2, "/gw=")] // -500 = 0xFE0C
    [InlineData("0", 2, "AA==")]
    [InlineData("12345.67", 2, "EtaH")] // 1234567 = 0x12D687
    [InlineData("1.5", 0, "Ag==")] // rounds half to even: 2
    [InlineData("2.5", 0, "Ag==")] // rounds half to even: 2
    [InlineData("127", 0, "fw==")]
    [InlineData("128", 0, "AIA=")] // needs a sign byte
    [InlineData("-128", 0, "gA==")]
    [InlineData("-129", 0, "/38=")]
    public void Decimal_bytes_match_Kafka(string value, int scale, string base64)
    {
        var schema = LogicalTypes.Decimal(scale).Build();
        var number = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(base64, Convert.ToBase64String(LogicalTypes.DecimalToBytes(schema, number)));
    }

    [Fact]
    public void Decimal_bytes_decode_with_the_schema_scale()
    {
        var schema = LogicalTypes.Decimal(2).Build();
        var value = LogicalTypes.DecimalFromBytes(schema, Convert.FromBase64String("AfQ="));

        Assert.Equal(5.00m, value);
        Assert.Equal("5.00", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(-5.00m, LogicalTypes.DecimalFromBytes(schema, Convert.FromBase64String("/gw=")));
    }

    [Theory]
    [InlineData("79228162514264337593543950335", 0)] // decimal.MaxValue
    [InlineData("-79228162514264337593543950335", 0)]
    [InlineData("100000000000000000000", 10)] // 1e20 at scale 10: the unscaled value is beyond decimal's range
    [InlineData("0.0000000000000000000000000001", 28)]
    [InlineData("123.456", 30)]
    [InlineData("1234500", -2)]
    public void Decimals_round_trip_at_any_scale(string value, int scale)
    {
        var schema = LogicalTypes.Decimal(scale).Build();
        var number = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(number, LogicalTypes.DecimalFromBytes(schema, LogicalTypes.DecimalToBytes(schema, number)));
    }

    [Fact]
    public void Negative_scale_multiplies_the_unscaled_value()
    {
        var schema = LogicalTypes.Decimal(-2).Build();
        Assert.Equal(new byte[] { 5 }, LogicalTypes.DecimalToBytes(schema, 500m));
        Assert.Equal(500m, LogicalTypes.DecimalFromBytes(schema, new byte[] { 5 }));
    }

    [Fact]
    public void Decimals_beyond_dotnet_range_are_a_data_error()
    {
        var schema = LogicalTypes.Decimal(0).Build();
        var huge = System.Numerics.BigInteger.Pow(10, 30).ToByteArray(isUnsigned: false, isBigEndian: true);
        Assert.Throws<DataException>(() => LogicalTypes.DecimalFromBytes(schema, huge));
    }

    [Fact]
    public void Decimal_without_scale_is_an_error()
    {
        var schema = SchemaBuilder.Bytes().Name(LogicalTypes.DecimalName).Build();
        var e = Assert.Throws<DataException>(() => LogicalTypes.DecimalToBytes(schema, 1m));
        Assert.Contains("scale", e.Message);
    }

    [Fact]
    public void Date_is_days_since_the_epoch()
    {
        Assert.Equal(0, LogicalTypes.DateToDays(DateTime.UnixEpoch));
        Assert.Equal(19675, LogicalTypes.DateToDays(new DateTime(2023, 11, 14, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(-1, LogicalTypes.DateToDays(new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2023, 11, 14, 0, 0, 0, DateTimeKind.Utc), LogicalTypes.DateFromDays(19675));
        Assert.Equal(DateTimeKind.Utc, LogicalTypes.DateFromDays(1).Kind);
    }

    [Fact]
    public void Date_with_a_time_of_day_is_rejected_with_Kafkas_message()
    {
        var e = Assert.Throws<DataException>(() => LogicalTypes.DateToDays(new DateTime(2023, 11, 14, 1, 0, 0, DateTimeKind.Utc)));
        Assert.Equal("Kafka Connect Date type should not have any time fields set to non-zero values.", e.Message);
    }

    [Fact]
    public void Time_is_milliseconds_since_midnight()
    {
        var time = DateTime.UnixEpoch.AddHours(13).AddMinutes(45).AddSeconds(30).AddMilliseconds(250);
        Assert.Equal(49530250, LogicalTypes.TimeToMillis(time));
        Assert.Equal(time, LogicalTypes.TimeFromMillis(49530250));

        var e = Assert.Throws<DataException>(() => LogicalTypes.TimeToMillis(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal("Kafka Connect Time type should not have any date fields set to non-zero values.", e.Message);
    }

    [Fact]
    public void Timestamp_is_milliseconds_since_the_epoch()
    {
        var at = new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc);
        Assert.Equal(1700000000000L, LogicalTypes.TimestampToMillis(at));
        Assert.Equal(at, LogicalTypes.TimestampFromMillis(1700000000000L));
        Assert.Equal(-1L, LogicalTypes.TimestampToMillis(DateTime.UnixEpoch.AddMilliseconds(-1)));
        Assert.Equal(LogicalTypes.TimestampToMillis(at), LogicalTypes.TimestampToMillis(at.ToLocalTime()));
        Assert.Equal(LogicalTypes.TimestampToMillis(at), LogicalTypes.TimestampToMillis(DateTime.SpecifyKind(at, DateTimeKind.Unspecified)));
    }

    [Theory]
    [InlineData(251019177575194L)] // year 9924: TimeSpan.TotalMilliseconds (a double) would give ...193
    [InlineData(253402300799999L)] // DateTime.MaxValue
    [InlineData(-62135596800000L)] // DateTime.MinValue
    [InlineData(-1L)]
    public void Timestamp_millis_are_exact_across_the_DateTime_range(long millis)
    {
        Assert.Equal(millis, LogicalTypes.TimestampToMillis(LogicalTypes.TimestampFromMillis(millis)));
    }

    [Fact]
    public void Sub_millisecond_ticks_round_down()
    {
        Assert.Equal(0L, LogicalTypes.TimestampToMillis(DateTime.UnixEpoch.AddTicks(9999)));
        Assert.Equal(-1L, LogicalTypes.TimestampToMillis(DateTime.UnixEpoch.AddTicks(-1)));
    }
}
