using System.Diagnostics;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using Akka.Event;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// Kafka Connect's RetryWithToleranceOperator for one task. An operation (convert, transform) that throws a
/// <see cref="RetriableException"/> is tried again with exponential backoff for up to <c>errors.retry.timeout</c>;
/// what still fails is reported (log, dead-letter queue) and then either skipped (<c>errors.tolerance=all</c>, and only
/// where the stage tolerates it) or turned into a <see cref="ToleranceExceededException"/> that fails the task.
/// </summary>
/// <remarks>
/// The task's thread runs <see cref="Execute{TState, TResult}"/> and sets the current record; the success path is a
/// plain call inside a try block, no allocation. <see cref="Failed"/> may be called from other threads (delivery
/// reports, a sink task's errant record reports).
/// </remarks>
public sealed class RetryWithToleranceOperator : IDisposable
{
    /// <summary>
    /// The first wait between attempts, doubled at each one: Kafka Connect's fixed RETRIES_DELAY_MIN_MS, kept fixed as
    /// there (users bound retries with the connector's errors.retry.* keys).
    /// </summary>
    public static readonly TimeSpan MinRetryDelay = TimeSpan.FromMilliseconds(300);

    private readonly ErrorHandlingSettings _settings;
    private readonly IReadOnlyList<IErrorReporter> _reporters;
    private readonly CancellationToken _stopping;
    private readonly ILoggingAdapter _log;
    private readonly Action<string?>? _onRetrying;
    private readonly Action<bool>? _onFailed;
    private long _totalFailures;

    public RetryWithToleranceOperator(ErrorHandlingSettings settings, IReadOnlyList<IErrorReporter> reporters, ILoggingAdapter log,
        CancellationToken stopping = default, Action<string?>? onRetrying = null, Action<bool>? onFailed = null)
    {
        _onFailed = onFailed;
        _settings = settings;
        _reporters = reporters;
        _log = log;
        _stopping = stopping;
        _onRetrying = onRetrying;
    }

    public ErrorHandlingSettings Settings => _settings;

    /// <summary>Failed operations so far, tolerated or not.</summary>
    public long TotalFailures => Interlocked.Read(ref _totalFailures);

    /// <summary>True when some reporter keeps failed records (Kafka's condition for giving sink tasks an errant record reporter).</summary>
    public bool HasReporters => _reporters.Count > 0;

    /// <summary>The consumed record being processed on the task's thread (sinks).</summary>
    public Kafka.ConsumedRecord? CurrentConsumed { get; private set; }

    /// <summary>The polled record being processed on the task's thread, before transforms (sources).</summary>
    public SourceRecord? CurrentSource { get; private set; }

    /// <summary>Sets the record a sink task's next operations work on.</summary>
    public void Begin(Kafka.ConsumedRecord? consumed)
    {
        CurrentConsumed = consumed;
        CurrentSource = null;
    }

    /// <summary>Sets the record a source task's next operations work on.</summary>
    public void Begin(SourceRecord? source)
    {
        CurrentConsumed = null;
        CurrentSource = source;
    }

    /// <summary>
    /// Runs <paramref name="operation"/>; false when it failed and the failure was tolerated (skip the record).
    /// Throws <see cref="ToleranceExceededException"/> when it may not be skipped.
    /// </summary>
    public bool Execute<TState, TResult>(ErrorStage stage, Type executingClass, TState state, Func<TState, TResult> operation, out TResult result)
    {
        try
        {
            result = operation(state);
            return true;
        }
        catch (Exception e) when (e is not ToleranceExceededException)
        {
            return Retry(stage, executingClass, state, operation, e, out result);
        }
    }

    private bool Retry<TState, TResult>(ErrorStage stage, Type executingClass, TState state, Func<TState, TResult> operation, Exception error, out TResult result)
    {
        var attempts = 1;
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (error is RetriableException && MayRetry(started) && Backoff(stage, executingClass, error, attempts, started))
            {
                attempts++;
                try
                {
                    result = operation(state);
                    return true;
                }
                catch (Exception e) when (e is not ToleranceExceededException)
                {
                    error = e;
                }
            }
        }
        finally
        {
            if (attempts > 1)
            {
                _onRetrying?.Invoke(null);
            }
        }

        var context = new ProcessingContext(stage, executingClass, error, attempts)
        {
            Raw = CurrentConsumed is { } consumed ? RawRecord.From(consumed) : null,
            Source = CurrentSource,
        };
        Failed(context, stage.ToleratesAnyException() || error is RetriableException);
        result = default!;
        return false;
    }

    /// <summary>
    /// Counts and reports a failed operation; the task returned completes when the reports are durable. Throws
    /// <see cref="ToleranceExceededException"/> after reporting when the failure may not be skipped:
    /// <paramref name="tolerable"/> false, or <c>errors.tolerance=none</c>.
    /// </summary>
    public Task Failed(ProcessingContext context, bool tolerable = true)
    {
        Interlocked.Increment(ref _totalFailures);
        var skipped = tolerable && _settings.TolerateAll;
        _onFailed?.Invoke(skipped);
        var reported = Report(context);
        if (!skipped)
        {
            throw new ToleranceExceededException(context, tolerable);
        }

        return reported;
    }

    private Task Report(ProcessingContext context)
    {
        if (_reporters.Count == 0)
        {
            return Task.CompletedTask;
        }

        var reports = new Task[_reporters.Count];
        for (var i = 0; i < reports.Length; i++)
        {
            reports[i] = _reporters[i].Report(context);
        }

        return reports.Length == 1 ? reports[0] : Task.WhenAll(reports);
    }

    private bool MayRetry(long started) =>
        _settings.RetryTimeout is not { } timeout || Stopwatch.GetElapsedTime(started) < timeout;

    /// <summary>Waits before the next attempt; false when the task is stopping meanwhile.</summary>
    private bool Backoff(ErrorStage stage, Type executingClass, Exception error, int attempt, long started)
    {
        var delay = RetryDelay(attempt, _settings.RetryDelayMax);
        if (_settings.RetryTimeout is { } timeout)
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            delay = left < delay ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : delay;
        }

        if (attempt == 1)
        {
            var reason = $"{stage.KafkaName()} with class '{executingClass.FullName}' failed with a retriable error, retrying " +
                         (_settings.RetryTimeout is { } t ? $"for up to {t.TotalMilliseconds:N0} ms" : "until it succeeds") + $": {error.Message}";
            _log.Warning("{0}", reason);
            _onRetrying?.Invoke(reason);
        }

        return !_stopping.WaitHandle.WaitOne(delay);
    }

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1: 300 ms doubled at each attempt; once that passes
    /// <paramref name="max"/>, a random wait between half of it and all of it, so tasks retrying together spread out.
    /// </summary>
    public static TimeSpan RetryDelay(int attempt, TimeSpan max)
    {
        var ms = MinRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        if (ms > max.TotalMilliseconds)
        {
            ms = max.TotalMilliseconds * (0.5 + Random.Shared.NextDouble() * 0.5);
        }

        return TimeSpan.FromMilliseconds(ms);
    }

    public void Dispose()
    {
        foreach (var reporter in _reporters)
        {
            reporter.Dispose();
        }
    }
}
