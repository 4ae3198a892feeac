using ActorConnect.Api.Errors;
using ActorConnect.TestSupport;
using Akka.Configuration;

namespace ActorConnect.Kafka.Tests;

/// <summary><c>actorconnect.sink.idle-poll-interval</c>: shipped in hocon/actorconnect.conf, overridable, checked.</summary>
public sealed class IdlePollIntervalSettingsTests
{
    [Fact]
    public void The_shipped_hocon_gives_the_consumer_an_idle_poll_interval_of_1_s()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), KafkaStageSettings.Create(KafkaStageSettings.DefaultConfig()).IdlePollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), new ConsumerSettings("h:1", "g").IdlePollInterval);
    }

    [Fact]
    public void An_idle_poll_interval_override_reaches_the_consumer_settings()
    {
        var stage = KafkaStageSettings.Create(ConfigurationFactory.ParseString("actorconnect.sink.idle-poll-interval = 2s")
            .WithFallback(KafkaStageSettings.DefaultConfig()));

        Assert.Equal(TimeSpan.FromSeconds(2), new ConsumerSettings("h:1", "g").WithStageSettings(stage).IdlePollInterval);
    }

    [Fact]
    public void A_bad_idle_poll_interval_is_refused_naming_its_key()
    {
        var e = HoconOverrides.Refused<ConfigException>("actorconnect.sink.idle-poll-interval = later", KafkaStageSettings.DefaultConfig(), KafkaStageSettings.Create);
        Assert.Equal("actorconnect.sink.idle-poll-interval", e.Name);
    }
}
