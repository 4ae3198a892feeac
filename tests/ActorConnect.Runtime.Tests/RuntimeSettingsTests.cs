using ActorConnect.Api.Errors;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.TestSupport;
using Akka.Configuration;

namespace ActorConnect.Runtime.Tests;

/// <summary>Every runtime default comes from the shipped hocon/actorconnect.conf, and a bad override names its key.</summary>
public sealed class RuntimeSettingsTests
{
    private static RuntimeSettings Shipped() => RuntimeSettings.Create(RuntimeSettings.DefaultConfig());

    [Fact]
    public void The_shipped_hocon_gives_the_task_settings_their_values()
    {
        var s = Shipped();
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.RestartMinBackoff);
        Assert.Equal(TimeSpan.FromSeconds(30), s.RestartMaxBackoff);
        Assert.Equal(0.2, s.RestartRandomFactor);
        Assert.Equal(5, s.RestartMaxFailures);
        Assert.Equal(TimeSpan.FromMinutes(5), s.RestartWithin);
        Assert.Equal(8192, s.SourceMaxInFlight);
        Assert.Equal(4096, s.SinkMaxBufferedRecords);
        Assert.Equal(2048, s.SinkMaxBatchRecords);
        Assert.Equal(TimeSpan.FromMinutes(2), s.SinkGroupJoinTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), s.SinkRebalanceTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), s.RetryMinBackoff);
        Assert.Equal(TimeSpan.FromSeconds(10), s.RetryMaxBackoff);
        Assert.Equal(0.2, s.RetryRandomFactor);
        Assert.Equal(KafkaStageSettings.Default, s.Kafka);
    }

    [Fact]
    public void The_shipped_hocon_gives_the_worker_its_waits()
    {
        var s = Shipped();
        Assert.Equal(TimeSpan.FromSeconds(2), s.ConnectivityCheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), s.ConnectivityCheckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), s.BrokerTaskWait);
        Assert.Equal(new WorkerTimeouts(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)), s.Worker);
        Assert.Equal(TimeSpan.FromSeconds(5), s.DeadLetterAdminTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), s.DeadLetterFlushTimeout);
    }

    [Fact]
    public void An_override_changes_only_its_own_key()
    {
        var s = RuntimeSettings.Create(ConfigurationFactory.ParseString("actorconnect.worker.query-timeout = 4s").WithFallback(RuntimeSettings.DefaultConfig()));
        Assert.Equal(Shipped() with { Worker = Shipped().Worker with { Query = TimeSpan.FromSeconds(4) } }, s);
    }

    [Theory]
    [InlineData("actorconnect.worker.query-timeout = 0s", "actorconnect.worker.query-timeout")]
    [InlineData("actorconnect.dead-letter-queue.flush-timeout = later", "actorconnect.dead-letter-queue.flush-timeout")]
    [InlineData("actorconnect.retry.random-factor = -1", "actorconnect.retry.random-factor")]
    [InlineData("actorconnect.task-restart.max-failures = many", "actorconnect.task-restart.max-failures")]
    [InlineData("actorconnect.sink.rebalance-timeout = \"\"", "actorconnect.sink.rebalance-timeout")]
    [InlineData("actorconnect.source.max-in-flight = -5", "actorconnect.source.max-in-flight")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key)
    {
        var e = HoconOverrides.Refused<ConfigException>(hocon, RuntimeSettings.DefaultConfig(), RuntimeSettings.Create);
        Assert.Equal(key, e.Name);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_handling_defaults_are_the_connector_config_definitions()
    {
        Assert.Equal(new ErrorHandlingSettings(false, TimeSpan.Zero, TimeSpan.FromMinutes(1), false, false, null, 3, false), ErrorHandlingSettings.Default);
    }
}
