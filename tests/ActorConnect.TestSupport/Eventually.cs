using System.Diagnostics;

namespace ActorConnect.TestSupport;

/// <summary>
/// Polls a condition until it holds or a deadline passes. For tests of things that are observable only from outside
/// (files, Kafka topics, processes); actor tests should use the TestKit's own awaiting instead.
/// </summary>
public static class Eventually
{
    /// <summary>Short enough that a passing test waits little, long enough not to spin a core.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    public static async Task AssertAsync(Func<Task<bool>> condition, TimeSpan timeout, string? because = null, TimeSpan? interval = null)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (await condition().ConfigureAwait(false))
            {
                return;
            }

            if (sw.Elapsed >= timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout}{(because is null ? "" : ": " + because)}");
            }

            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }

    public static Task AssertAsync(Func<bool> condition, TimeSpan timeout, string? because = null, TimeSpan? interval = null) =>
        AssertAsync(() => Task.FromResult(condition()), timeout, because, interval);

    /// <summary>Retries an assertion until it stops throwing; on timeout the last assertion failure is rethrown as is.</summary>
    public static Task AssertAsync(Action assertion, TimeSpan timeout, TimeSpan? interval = null) =>
        AssertAsync(() =>
        {
            assertion();
            return Task.CompletedTask;
        }, timeout, interval);

    /// <summary>Retries an async assertion until it stops throwing; on timeout the last failure is rethrown as is.</summary>
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan timeout, TimeSpan? interval = null)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await assertion().ConfigureAwait(false);
                return;
            }
            catch (Exception) when (sw.Elapsed < timeout)
            {
                // Not yet: past the deadline the filter is false and the last failure propagates unchanged.
            }

            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }
}
