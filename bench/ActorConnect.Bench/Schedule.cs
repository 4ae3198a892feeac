using System.Globalization;

namespace ActorConnect.Bench;

/// <summary>The options grow-file and latency share: how many lines the rate makes, the chunk interval, the patience, the start.</summary>
internal static class Schedule
{
    public static (long Total, TimeSpan Chunk, double TimeoutSeconds, DateTime Since) Read(double rate, double seconds, IReadOnlyDictionary<string, string> options)
    {
        var total = (long)Math.Round(rate * seconds);
        if (rate <= 0 || total < 2)
        {
            throw new ArgumentException($"rate {rate} lines/s for {seconds} s is fewer than 2 lines");
        }

        var chunk = TimeSpan.FromMilliseconds(double.Parse(options.GetValueOrDefault("--chunk-ms", "10"), CultureInfo.InvariantCulture));
        var timeout = double.Parse(options.GetValueOrDefault("--timeout", "600"), CultureInfo.InvariantCulture);
        var since = options.TryGetValue("--since", out var s) ? ProcessStats.ParseUnix(s) : DateTime.UtcNow;
        return (total, chunk, timeout, since);
    }
}
