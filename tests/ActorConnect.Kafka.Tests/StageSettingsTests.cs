using ActorConnect.Api.Errors;
using ActorConnect.TestSupport;
using Akka.Configuration;

namespace ActorConnect.Kafka.Tests;

/// <summary>The stages' tunables come from the shipped hocon/actorconnect.conf only, and a bad override names its key.</summary>
public sealed class StageSettingsTests
{
    [Fact]
    public void The_shipped_hocon_gives_the_stage_settings_their_values()
    {
        var stage = KafkaStageSettings.Create(KafkaStageSettings.DefaultConfig());
        Assert.Equal(
            new KafkaStageSettings(8192, 4096, TimeSpan.FromMilliseconds(20),
                new ConsumerLagSettings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(30)),
            stage);
        Assert.Equal(stage, KafkaStageSettings.Default);
    }

    [Fact]
    public void Producer_and_consumer_settings_default_to_the_shipped_hocon_values()
    {
        var producer = new ProducerSettings("h:1");
        Assert.Equal(8192, producer.MaxInFlight);
        Assert.Equal(TimeSpan.FromSeconds(30), producer.LogRepeatInterval);

        var consumer = new ConsumerSettings("h:1", "g");
        Assert.Equal(4096, consumer.MaxBufferedRecords);
        Assert.Equal(TimeSpan.FromMilliseconds(20), consumer.PollInterval);
        Assert.Equal(KafkaStageSettings.Default.Lag, consumer.Lag);
    }

    [Fact]
    public void An_override_reaches_the_producer_and_consumer_settings()
    {
        var stage = KafkaStageSettings.Create(ConfigurationFactory.ParseString(
                "actorconnect { source.max-in-flight = 100, sink { max-buffered-records = 50, poll-interval = 5ms, lag.lookup-timeout = 1s } }")
            .WithFallback(KafkaStageSettings.DefaultConfig()));
        var producer = new ProducerSettings("h:1").WithStageSettings(stage);
        var consumer = new ConsumerSettings("h:1", "g").WithStageSettings(stage);
        Assert.Equal(100, producer.MaxInFlight);
        Assert.Equal(50, consumer.MaxBufferedRecords);
        Assert.Equal(TimeSpan.FromMilliseconds(5), consumer.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), consumer.Lag.LookupTimeout);
    }

    [Fact]
    public void The_shipped_hocon_gives_the_internal_topics_their_timeouts()
    {
        Assert.Equal(new KafkaLogTimeouts(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)), KafkaLogTimeouts.Default);
        Assert.Equal(KafkaLogTimeouts.Default, new KafkaLogSettings("h:1", "t", 1, 1).Timeouts);
    }

    [Theory]
    [InlineData("actorconnect.sink.poll-interval = soon", "actorconnect.sink.poll-interval")]
    [InlineData("actorconnect.sink.lag.measure-every = 0s", "actorconnect.sink.lag.measure-every")]
    [InlineData("actorconnect.source.max-in-flight = 0", "actorconnect.source.max-in-flight")]
    [InlineData("actorconnect.kafka-client-log.repeat-interval = -1s", "actorconnect.kafka-client-log.repeat-interval")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key)
    {
        var e = HoconOverrides.Refused<ConfigException>(hocon, KafkaStageSettings.DefaultConfig(), KafkaStageSettings.Create);
        Assert.Equal(key, e.Name);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_internal_topic_timeout_is_refused_naming_its_key()
    {
        var e = HoconOverrides.Refused<ConfigException>("actorconnect.internal-topics.stop-timeout = forever", KafkaStageSettings.DefaultConfig(), KafkaLogTimeouts.Create);
        Assert.Equal("actorconnect.internal-topics.stop-timeout", e.Name);
    }
}
