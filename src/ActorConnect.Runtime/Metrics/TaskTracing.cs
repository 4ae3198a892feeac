using System.Diagnostics;
using ActorConnect.Runtime.Tasks;

namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// OpenTelemetry traces around a task's batches: <c>poll</c> and <c>put</c> (with the connector, the task and the
/// record count) and <c>offset-commit</c>. Nothing is recorded unless a listener subscribes to
/// <see cref="SourceName"/> (the host does when <c>tracing.exporter</c> is set), so it is free when off.
/// </summary>
public static class TaskTracing
{
    /// <summary>The ActivitySource name to subscribe to.</summary>
    public const string SourceName = "ActorConnect.Tasks";

    private static readonly ActivitySource Source = new(SourceName, typeof(TaskTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts a span for one batch operation of a task; null when nobody listens.</summary>
    public static Activity? Start(string operation, ConnectorTaskId id)
    {
        var activity = Source.StartActivity(operation, ActivityKind.Internal);
        activity?.SetTag("connect.connector", id.Connector);
        activity?.SetTag("connect.task", id.Task);
        return activity;
    }

    /// <summary>Ends a span with the records it handled, marking it failed when <paramref name="error"/> is set.</summary>
    public static void End(Activity? activity, int records, Exception? error = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("connect.records", records);
        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        activity.Dispose();
    }
}
