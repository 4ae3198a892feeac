using ActorConnect.Runtime.Metrics;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace ActorConnect.Rest.Endpoints;

/// <summary>
/// <c>GET /metrics</c>: every metric in Prometheus' text format: Kafka Connect's task and worker metrics (see
/// <see cref="ConnectMetrics"/>), and the process and .NET runtime metrics prometheus-net collects by default.
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder routes, Func<string> workerId)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/metrics", async (HttpContext context, WorkerGateway worker) =>
        {
            // The worker gauges come from the statuses at scrape time, so they are never staler than the scrape.
            var statuses = await worker.AskAsync<List<ConnectorStatus>>(WorkerProtocol.GetAllStatus.Instance, "GET /metrics");
            WorkerMetrics.Update(statuses, workerId());
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        return routes;
    }
}
