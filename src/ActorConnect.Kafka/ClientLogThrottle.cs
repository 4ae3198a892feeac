using System.Text.RegularExpressions;

namespace ActorConnect.Kafka;

/// <summary>
/// Lets one line per cause through per interval and counts the rest, so that a client retrying against a broker
/// that is down (librdkafka reconnects every 100 ms or so, and logs each attempt) writes one line per cause and
/// interval, with how many it held back, instead of tens of lines a second.
/// </summary>
/// <remarks>
/// A cause is the line with its numbers taken out: "Connect to ipv4#10.0.0.5:9092 failed: Connection refused (after
/// 0ms in state CONNECT)" is one cause whichever broker, port and timing it names. Thread-safe: librdkafka calls log
/// handlers from its own threads.
/// </remarks>
internal sealed partial class ClientLogThrottle(TimeSpan interval, Func<long>? clockMs = null)
{
    private readonly Func<long> _clockMs = clockMs ?? (() => Environment.TickCount64);
    private readonly Dictionary<string, (long Since, int Held)> _causes = new(StringComparer.Ordinal);

    /// <summary>The interval within which a cause is written once.</summary>
    public TimeSpan Interval => interval;

    /// <summary>
    /// True when a line of this cause should be written now; <paramref name="held"/> then says how many of its kind
    /// were held back since the last one written.
    /// </summary>
    public bool ShouldWrite(string line, out int held)
    {
        var cause = Digits().Replace(line, "#");
        var now = _clockMs();
        lock (_causes)
        {
            if (_causes.TryGetValue(cause, out var entry) && now - entry.Since < interval.TotalMilliseconds)
            {
                _causes[cause] = (entry.Since, entry.Held + 1);
                held = 0;
                return false;
            }

            held = entry.Held;
            _causes[cause] = (now, 0);
            if (_causes.Count > 1000)
            {
                // A client that logs ever new causes must not grow this without bound: forget the quiet ones.
                foreach (var stale in _causes.Where(kv => now - kv.Value.Since >= interval.TotalMilliseconds).Select(kv => kv.Key).ToList())
                    _causes.Remove(stale);
            }
            return true;
        }
    }

    /// <summary>The suffix a written line gets when lines of its cause were held back.</summary>
    public string HeldSuffix(int held) =>
        held == 0 ? string.Empty : $" (and {held} more like it in the last {interval.TotalSeconds:0} s)";

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
