namespace ActorConnect.Kafka.Tests;

/// <summary>The consumer stage's poll timer slows down while nothing flows and speeds up at the next record.</summary>
public sealed class PollPacerTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void Each_idle_poll_doubles_the_wait_up_to_the_idle_poll_interval()
    {
        var pacer = new PollPacer(Fast, Idle);
        var waits = Enumerable.Range(0, 7).Select(_ => (Changed: pacer.After(idle: true), pacer.Interval.TotalMilliseconds)).ToList();

        Assert.Equal([40d, 80, 160, 320, 500, 500, 500], waits.Select(w => w.TotalMilliseconds));
        Assert.Equal([true, true, true, true, true, false, false], waits.Select(w => w.Changed));
    }

    [Fact]
    public void A_poll_that_is_not_idle_brings_the_poll_interval_back_at_once()
    {
        var pacer = new PollPacer(Fast, Idle);
        for (var i = 0; i < 10; i++)
            pacer.After(idle: true);

        Assert.True(pacer.After(idle: false));
        Assert.Equal(Fast, pacer.Interval);
        Assert.False(pacer.After(idle: false));
    }

    [Fact]
    public void An_idle_poll_interval_not_above_the_poll_interval_never_slows_polling()
    {
        var pacer = new PollPacer(Fast, TimeSpan.FromMilliseconds(5));

        Assert.False(pacer.After(idle: true));
        Assert.Equal(Fast, pacer.Interval);
    }
}
