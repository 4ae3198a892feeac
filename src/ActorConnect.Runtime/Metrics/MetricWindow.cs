namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// Samples kept for one minute, from which Kafka Connect's windowed attributes (rate, avg, max) are computed when
/// scraped. Thread-safe: tasks record on their own threads, scrapes read on the server's.
/// </summary>
internal sealed class MetricWindow
{
    private static readonly TimeSpan Span = TimeSpan.FromMinutes(1);
    private readonly Queue<(DateTimeOffset At, double Value)> _samples = new();
    private readonly object _lock = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public void Record(double value)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            _samples.Enqueue((now, value));
            Trim(now);
        }
    }

    /// <summary>The sum of the samples per second, over the minute (or since the first sample, when younger).</summary>
    public double RatePerSecond()
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            Trim(now);
            var seconds = (now - (now - _started < Span ? _started : now - Span)).TotalSeconds;
            return seconds <= 0 ? 0 : _samples.Sum(s => s.Value) / seconds;
        }
    }

    public double Average() => Aggregate(s => s.Average(), 0);

    public double Max() => Aggregate(s => s.Max(), 0);

    /// <summary>The share of samples equal to 1 (successes recorded as 1, failures as 0); 1 when there are none.</summary>
    public double Ratio() => Aggregate(s => s.Average(), 1);

    private double Aggregate(Func<IEnumerable<double>, double> f, double empty)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            Trim(now);
            return _samples.Count == 0 ? empty : f(_samples.Select(s => s.Value));
        }
    }

    private void Trim(DateTimeOffset now)
    {
        while (_samples.Count > 0 && now - _samples.Peek().At > Span)
        {
            _samples.Dequeue();
        }
    }
}
