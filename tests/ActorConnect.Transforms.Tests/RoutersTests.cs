using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class RoutersTests
{
    [Fact]
    public void TimestampRouter_default_appends_the_day()
    {
        var result = Configured<TimestampRouter>().Apply(Sink(null, null, null, null, topic: "test"))!;

        Assert.Equal("test-20170103", result.Topic);
    }

    [Fact]
    public void TimestampRouter_custom_formats()
    {
        var transform = Configured<TimestampRouter>(("topic.format", "logs_${timestamp}_${topic}"), ("timestamp.format", "yyyy-MM-dd'T'HH:mm"));

        Assert.Equal("logs_2017-01-03T06:30_test", transform.Apply(Source(null, null, null, null, topic: "test"))!.Topic);
    }

    [Theory]
    [InlineData("yyyy.MM.dd G 'at' HH:mm:ss", "2017.01.03 AD at 06:30:01")]
    [InlineData("EEE, MMM d, ''yy", "Tue, Jan 3, '17")]
    [InlineData("hh 'o''clock' a", "06 o'clock AM")]
    [InlineData("yyyyy.MMMMM.dd hh:mm aaa", "02017.January.03 06:30 AM")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2017-01-03T06:30:01.864+0000")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2017-01-03T06:30:01.864Z")]
    public void TimestampRouter_formats_as_java_simple_date_format_in_utc(string pattern, string expected)
    {
        var transform = Configured<TimestampRouter>(("topic.format", "${timestamp}"), ("timestamp.format", pattern));

        Assert.Equal(expected, transform.Apply(Sink(null, null, null, null))!.Topic);
    }

    [Fact]
    public void TimestampRouter_needs_a_timestamp()
    {
        var record = new Api.Sink.SinkRecord("t", 0, null, null, null, null, 1);

        Assert.StartsWith("Timestamp missing on record", Assert.Throws<DataException>(() => Configured<TimestampRouter>().Apply(record)).Message);
    }

    [Fact]
    public void TimestampRouter_refuses_a_pattern_letter_it_cannot_format()
    {
        Assert.Contains("timestamp.format", Assert.Throws<ConfigException>(() => Configured<TimestampRouter>(("timestamp.format", "yyyy-ww"))).Message);
    }

    [Theory]
    [InlineData("(.*)", "prefix-$1", "orig", "prefix-orig")]
    [InlineData("(.*)-(\\d\\d)", "$2-$1", "orig-42", "42-orig")]
    [InlineData("(.*)-(\\d\\d)", "$2-$1", "orig-4", "orig-4")]
    [InlineData("kafka-(.*)", "$1", "kafka-logs", "logs")]
    [InlineData("(.*)", "\\$cost-$1", "a", "$cost-a")]
    public void RegexRouter_replaces_a_whole_match(string regex, string replacement, string topic, string expected)
    {
        var transform = Configured<RegexRouter>(("regex", regex), ("replacement", replacement));

        Assert.Equal(expected, transform.Apply(Sink(null, null, null, null, topic: topic))!.Topic);
    }

    [Fact]
    public void RegexRouter_leaves_a_partial_match_alone()
    {
        var transform = Configured<RegexRouter>(("regex", "abc"), ("replacement", "x"));

        Assert.Equal("xabcx", transform.Apply(Sink(null, null, null, null, topic: "xabcx"))!.Topic);
    }

    [Fact]
    public void RegexRouter_refuses_a_bad_or_missing_regex_naming_the_key()
    {
        Assert.StartsWith("Invalid value ( for configuration regex: Invalid regex:", Assert.Throws<ConfigException>(() => Configured<RegexRouter>(("regex", "("), ("replacement", "x"))).Message);
        Assert.Equal("Missing required configuration \"replacement\" which has no default value.", Assert.Throws<ConfigException>(() => Configured<RegexRouter>(("regex", "a"))).Message);
    }
}
