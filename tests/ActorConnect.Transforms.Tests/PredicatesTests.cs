using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Predicates;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class PredicatesTests
{
    [Theory]
    [InlineData("my-prefix-.*", "my-prefix-topic", true)]
    [InlineData("my-prefix-.*", "other-my-prefix-topic", false)]
    [InlineData("foo", "foobar", false)]
    [InlineData("foo|bar", "bar", true)]
    [InlineData("\\Qmy.topic\\E-.*", "my.topic-1", true)]
    [InlineData("\\Qmy.topic\\E-.*", "myxtopic-1", false)]
    public void TopicNameMatches_matches_the_whole_topic(string pattern, string topic, bool expected)
    {
        var predicate = ConfiguredPredicate<TopicNameMatches>(("pattern", pattern));

        Assert.Equal(expected, predicate.Test(Sink(null, null, null, null, topic: topic)));
        Assert.Equal(expected, predicate.Test(Source(null, null, null, null, topic: topic)));
        Assert.Equal($"TopicNameMatches{{pattern={pattern}}}", predicate.ToString());
    }

    [Fact]
    public void TopicNameMatches_refuses_an_empty_or_bad_pattern_naming_the_key()
    {
        Assert.Equal("Invalid value  for configuration pattern: String must be non-empty", Assert.Throws<ConfigException>(() => ConfiguredPredicate<TopicNameMatches>(("pattern", ""))).Message);
        Assert.StartsWith("Invalid value [ for configuration pattern: Invalid regex:", Assert.Throws<ConfigException>(() => ConfiguredPredicate<TopicNameMatches>(("pattern", "["))).Message);
        Assert.Equal("Missing required configuration \"pattern\" which has no default value.", Assert.Throws<ConfigException>(() => ConfiguredPredicate<TopicNameMatches>()).Message);
    }

    [Fact]
    public void HasHeaderKey_is_true_when_any_header_has_the_name()
    {
        var predicate = ConfiguredPredicate<HasHeaderKey>(("name", "foo"));

        Assert.True(predicate.Test(Sink(null, null, null, null, headers: ConnectHeaders.Empty.AddString("bar", "1").AddString("foo", null))));
        Assert.False(predicate.Test(Sink(null, null, null, null, headers: ConnectHeaders.Empty.AddString("bar", "1"))));
        Assert.False(predicate.Test(Sink(null, null, null, null)));
        Assert.Equal("Invalid value  for configuration name: String must be non-empty", Assert.Throws<ConfigException>(() => ConfiguredPredicate<HasHeaderKey>(("name", ""))).Message);
    }

    [Fact]
    public void RecordIsTombstone_is_true_for_a_null_value()
    {
        var predicate = ConfiguredPredicate<RecordIsTombstone>();

        Assert.True(predicate.Test(Sink(Schema.StringSchema, "key", null, null)));
        Assert.False(predicate.Test(Sink(null, null, null, "value")));
        Assert.True(predicate.Test(Source(null, null, null, null)));
    }
}
