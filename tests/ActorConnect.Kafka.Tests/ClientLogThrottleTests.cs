namespace ActorConnect.Kafka.Tests;

public sealed class ClientLogThrottleTests
{
    private long _now = 1_000;

    [Fact]
    public void A_cause_repeated_within_the_interval_is_written_once_then_again_with_how_many_were_held_back()
    {
        var throttle = new ClientLogThrottle(TimeSpan.FromSeconds(30), () => _now);

        Assert.True(throttle.ShouldWrite("FAIL Connect to ipv4#127.0.0.1:19092 failed: Connection refused (after 0ms in state CONNECT)", out var held));
        Assert.Equal(0, held);
        for (var i = 1; i <= 250; i++)
        {
            _now += 100; // librdkafka's reconnect backoff: ten attempts a second, each with its own timing in the text
            Assert.False(throttle.ShouldWrite($"FAIL Connect to ipv4#127.0.0.1:19092 failed: Connection refused (after {i % 7}ms in state CONNECT)", out _));
        }

        _now += 5_000; // 30 s after the first line
        Assert.True(throttle.ShouldWrite("FAIL Connect to ipv4#127.0.0.1:19092 failed: Connection refused (after 3ms in state CONNECT)", out held));
        Assert.Equal(250, held);
        Assert.Equal(" (and 250 more like it in the last 30 s)", throttle.HeldSuffix(held));
    }

    [Fact]
    public void Different_causes_are_each_written()
    {
        var throttle = new ClientLogThrottle(TimeSpan.FromSeconds(30), () => _now);

        Assert.True(throttle.ShouldWrite("Local_AllBrokersDown 1/1 brokers are down", out _));
        Assert.True(throttle.ShouldWrite("Local_Transport Connect failed: Connection refused", out _));
        Assert.False(throttle.ShouldWrite("Local_AllBrokersDown 1/1 brokers are down", out _));
        Assert.Equal(string.Empty, throttle.HeldSuffix(0));
    }
}
