namespace ActorConnect.Kafka;

/// <summary>
/// How long the consumer stage waits between polls: <see cref="ConsumerSettings.PollInterval"/> while records flow, and
/// twice as long after each poll that finds the stage idle, up to <see cref="ConsumerSettings.IdlePollInterval"/>.
/// </summary>
/// <remarks>
/// Why: a worker with hundreds of sink tasks spent more than a core doing nothing, because each consumer's timer woke
/// its pinned thread every 20 ms (bench case "many": 250 consumers, 12,500 wake-ups a second). Idle means librdkafka had
/// no record, none is buffered and no partition is paused for backpressure, so slowing down delays only the first
/// record after a quiet spell (by at most the idle interval) and never a stalled downstream's resume. Commands (commit,
/// seek, pause, stop) do not wait for the timer: they wake the stage themselves.
/// </remarks>
internal sealed class PollPacer(TimeSpan pollInterval, TimeSpan idlePollInterval)
{
    private readonly TimeSpan _fastest = pollInterval;
    private readonly TimeSpan _longest = idlePollInterval > pollInterval ? idlePollInterval : pollInterval;

    /// <summary>The wait until the next poll now.</summary>
    public TimeSpan Interval { get; private set; } = pollInterval;

    /// <summary>Takes the outcome of a poll; true when <see cref="Interval"/> changed (the timer must be set again).</summary>
    public bool After(bool idle)
    {
        var next = idle ? TimeSpan.FromTicks(Math.Min(Interval.Ticks * 2, _longest.Ticks)) : _fastest;
        if (next == Interval)
            return false;
        Interval = next;
        return true;
    }
}
