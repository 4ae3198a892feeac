namespace ActorConnect.Kafka;

/// <summary>Whether the worker reaches Kafka, since when, and what is wrong when it does not.</summary>
/// <param name="Reachable">The last check got an answer from the cluster.</param>
/// <param name="Since">When the current state began (the first check that found it).</param>
/// <param name="Problem">What the client saw while Kafka was unreachable (connection refused, timed out, ...); null when reachable.</param>
public sealed record KafkaConnectivityState(bool Reachable, DateTimeOffset Since, string? Problem)
{
    /// <summary>Before the first check: assumed reachable, so nothing warns about a worker that is just starting.</summary>
    public static KafkaConnectivityState Unchecked { get; } = new(true, DateTimeOffset.UnixEpoch, null);

    /// <summary>One sentence for a status or <c>/health</c>; null when reachable.</summary>
    public string? Describe(string bootstrapServers) => Reachable
        ? null
        : $"Kafka at bootstrap.servers '{bootstrapServers}' has been unreachable since {Since.UtcDateTime:HH:mm:ss} UTC ({Problem}); " +
          "tasks keep their records and retry until it answers again";
}

/// <summary>
/// Checks every <c>interval</c> whether the worker reaches Kafka, with one cheap request to the bootstrap servers
/// (<see cref="KafkaBrokerProbe.PingAsync"/>). Tasks and <c>/health</c> read <see cref="State"/>, so an outage shows in
/// every status within a few seconds and clears when it ends, and each change is logged once each way rather than by
/// every client on every reconnect.
/// </summary>
/// <remarks>
/// Why a check of its own rather than the task clients' errors: librdkafka reports "brokers are down" but never "they
/// are back", and an idle client may not try to connect at all.
/// </remarks>
public sealed class KafkaConnectivity : IDisposable
{
    private readonly Func<CancellationToken, Task> _check;
    private readonly TimeSpan _interval;
    private readonly Action<KafkaConnectivityState> _changed;
    private readonly CancellationTokenSource _stop = new();
    private volatile KafkaConnectivityState _state = KafkaConnectivityState.Unchecked;
    private Task? _loop;

    /// <param name="check">One check: completes when Kafka answered, throws what went wrong otherwise (with its own timeout).</param>
    /// <param name="interval">Time between checks.</param>
    /// <param name="changed">Told each change of state (not each check), from a pool thread.</param>
    public KafkaConnectivity(Func<CancellationToken, Task> check, TimeSpan interval, Action<KafkaConnectivityState> changed)
    {
        _check = check;
        _interval = interval;
        _changed = changed;
    }

    /// <summary>The latest finding.</summary>
    public KafkaConnectivityState State => _state;

    /// <summary>Starts checking in the background (once).</summary>
    public void Start() => _loop ??= Task.Run(RunAsync);

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await _check(_stop.Token).ConfigureAwait(false);
                    Record(true, null);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    Record(false, e.Message);
                }

                await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void Record(bool reachable, string? problem)
    {
        var previous = _state;
        if (previous.Reachable == reachable && previous != KafkaConnectivityState.Unchecked)
        {
            if (!reachable && previous.Problem != problem)
                _state = previous with { Problem = problem }; // the same outage, in the client's latest words
            return;
        }

        var next = new KafkaConnectivityState(reachable, DateTimeOffset.UtcNow, problem);
        _state = next;
        if (!(reachable && previous == KafkaConnectivityState.Unchecked)) // a first check that finds Kafka is no news
            _changed(next);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            // Not a tunable: the loop was just cancelled and its check and delay both take that token, so it ends at
            // once; the bound only keeps a stuck client library from holding the worker's stop.
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends on cancellation; anything else it met is in its last state already.
        }
        _stop.Dispose();
    }
}
