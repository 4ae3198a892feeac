using ActorConnect.Runtime.Metrics;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>
/// <c>GET /metrics</c>: every metric of the worker this server fronts, in Prometheus' text format: Kafka Connect's task
/// and worker metrics (see <see cref="ConnectMetrics"/>), and the process and .NET runtime metrics prometheus-net
/// collects by default. Asked of the worker as any other request: another worker in the process has its own.
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/metrics", async (HttpContext context, WorkerGateway worker) =>
        {
            var metrics = await worker.AskAsync<WorkerProtocol.MetricsText>(WorkerProtocol.GetMetrics.Instance, "GET /metrics");
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(metrics.Text, context.RequestAborted);
        });
        return routes;
    }
}
