using Confluent.Kafka;

namespace ActorConnect.Kafka.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void Producer_defaults_are_those_Kafka_Connect_forces_and_user_properties_win()
    {
        var defaults = new ProducerSettings("h:1").BuildConfig();
        Assert.Equal(Acks.All, defaults.Acks);
        Assert.True(defaults.EnableIdempotence);
        Assert.Equal(5, defaults.LingerMs);
        Assert.Equal("h:1", defaults.BootstrapServers);

        var overridden = new ProducerSettings("h:1").WithProperty("acks", "1").WithProperty("linger.ms", "50").BuildConfig();
        Assert.Equal(Acks.Leader, overridden.Acks);
        Assert.Equal(50, overridden.LingerMs);
    }

    [Fact]
    public void Producers_are_idempotent_where_the_broker_supports_it_unless_the_user_says_otherwise()
    {
        Assert.True(new ProducerSettings("h:1").WithBrokerFeatures(BrokerFeatures.Modern).BuildConfig().EnableIdempotence);
        Assert.False(new ProducerSettings("h:1").WithBrokerFeatures(BrokerFeatures.Legacy).BuildConfig().EnableIdempotence);
        Assert.False(new ProducerSettings("h:1").WithBrokerFeatures(BrokerFeatures.Modern with { SupportsIdempotence = false }).BuildConfig().EnableIdempotence);
        Assert.False(new ProducerSettings("h:1").WithProperty("enable.idempotence", "false").BuildConfig().EnableIdempotence);
    }

    [Fact]
    public void Legacy_features_set_the_version_fallback_and_a_session_timeout_the_broker_accepts()
    {
        var producer = new ProducerSettings("h:1").WithBrokerFeatures(BrokerFeatures.Legacy).BuildConfig();
        Assert.False(producer.ApiVersionRequest);
        Assert.Equal("0.9.0.1", producer.BrokerVersionFallback);

        var consumer = new ConsumerSettings("h:1", "g").WithBrokerFeatures(BrokerFeatures.Legacy).BuildConfig();
        Assert.False(consumer.ApiVersionRequest);
        Assert.Equal(30000, consumer.SessionTimeoutMs);

        var modern = new ConsumerSettings("h:1", "g").BuildConfig();
        Assert.Null(modern.ApiVersionRequest);
        Assert.Null(modern.SessionTimeoutMs);
    }

    [Fact]
    public void Log_context_is_empty_by_default_and_a_later_property_replaces_one_of_the_same_name()
    {
        Assert.Empty(new ConsumerSettings("h:1", "g").LogContext);
        Assert.Empty(new ProducerSettings("h:1").LogContext);

        KeyValuePair<string, object>[] first = [new("Connector", "a"), new("Task", 0)];
        KeyValuePair<string, object>[] second = [new("Task", 1), new("ConnectorContext", "[a|task-1] ")];
        KeyValuePair<string, object>[] expected = [new("Connector", "a"), new("Task", 1), new("ConnectorContext", "[a|task-1] ")];
        Assert.Equal(expected, new ConsumerSettings("h:1", "g").WithLogContext(first).WithLogContext(second).LogContext);
        Assert.Equal(expected, new ProducerSettings("h:1").WithLogContext(first).WithLogContext(second).LogContext);
    }

    [Fact]
    public void Consumer_commits_manually_from_the_earliest_offset_unless_told_otherwise()
    {
        var config = new ConsumerSettings("h:1", "group").WithProperty("auto.offset.reset", "latest").BuildConfig();
        Assert.False(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Latest, config.AutoOffsetReset);
        Assert.Equal("group", config.GroupId);
        Assert.Equal(AutoOffsetReset.Earliest, new ConsumerSettings("h:1", "group").BuildConfig().AutoOffsetReset);
    }

    [Fact]
    public void Consumer_refuses_auto_commit_and_cooperative_rebalancing()
    {
        var cooperative = new ConsumerSettings("h:1", "g").WithProperty("partition.assignment.strategy", "cooperative-sticky");
        Assert.Throws<NotSupportedException>(() => KafkaConsumerSource.Create(cooperative, Subscription.ForTopics("t")));
        var autoCommit = new ConsumerSettings("h:1", "g").WithProperty("enable.auto.commit", "true");
        Assert.Throws<NotSupportedException>(() => autoCommit.BuildConfig());
    }

    [Fact]
    public void A_pattern_subscription_becomes_a_caret_topic_for_librdkafka()
    {
        Assert.Equal(["^sink-.*"], Subscription.ForPattern("sink-.*").ToSubscribeList());
        Assert.Equal(["^a.*"], Subscription.ForPattern("^a.*").ToSubscribeList());
        Assert.Equal(["a", "b"], Subscription.ForTopics("a", "b").ToSubscribeList());
        Assert.Throws<ArgumentException>(() => Subscription.ForTopics("^a"));
    }

    [Fact]
    public void Features_follow_the_produce_api_version()
    {
        var v010 = BrokerFeatures.FromApiVersions(new Dictionary<short, short> { [0] = 2 });
        Assert.True(v010.SupportsTimestamps);
        Assert.False(v010.SupportsHeaders);
        Assert.False(v010.SupportsIdempotence);

        var v30 = BrokerFeatures.FromApiVersions(new Dictionary<short, short> { [0] = 9, [22] = 4 });
        Assert.True(v30.SupportsHeaders);
        Assert.True(v30.SupportsIdempotence);
        Assert.Contains("Produce v9", v30.Describe());
    }
}
