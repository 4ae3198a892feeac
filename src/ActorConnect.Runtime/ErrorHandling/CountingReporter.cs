namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>Counts what a reporter made durable and what it could not (the dead-letter queue's produce metrics).</summary>
internal sealed class CountingReporter(IErrorReporter inner, Action<bool> counted) : IErrorReporter
{
    public Task Report(ProcessingContext context) =>
        inner.Report(context).ContinueWith(
            t =>
            {
                counted(t.IsCompletedSuccessfully);
                return t;
            },
            TaskScheduler.Default).Unwrap();

    public void Dispose() => inner.Dispose();
}
