using System.Diagnostics;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Model;

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

    /// <summary>Ends a span with the records it handled.</summary>
    public static void End(Activity? activity, int records)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("connect.records", records);
        activity.Dispose();
    }

    /// <summary>
    /// Ends a span marked failed by <paramref name="error"/>; its description is the error's message with every
    /// resolved secret put back as its placeholder, since spans leave the worker for a collector.
    /// </summary>
    public static void Fail(Activity? activity, int records, Exception error, SecretRedactor secrets)
    {
        activity?.SetStatus(ActivityStatusCode.Error, secrets.Redact(error.Message));
        End(activity, records);
    }
}
