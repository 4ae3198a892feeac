using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>
/// <c>GET /</c> (version, commit, Kafka cluster id) and <c>GET /health</c> (KIP-1017; unlike Kafka Connect's, also
/// unhealthy while the worker cannot reach Kafka, naming why, since its tasks then move no data). With basic
/// authentication on, <c>/health</c> stays open for probes, but tells anonymous callers only up or down.
/// </summary>
public static class RootEndpoints
{
    public static IEndpointRouteBuilder MapRootEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/", async (WorkerGateway worker) =>
        {
            var info = await worker.AskAsync<WorkerInfo>(WorkerProtocol.GetWorkerInfo.Instance, "GET /");
            return new ServerInfoDto(info.Version, info.Commit, info.KafkaClusterId);
        });
        routes.MapGet("/health", HealthAsync);
        return routes;
    }

    private static async Task<IResult> HealthAsync(WorkerGateway worker, HttpContext context)
    {
        var result = await HealthOfAsync(worker);
        return BasicAuthentication.IsAnonymous(context) && result is { State: "unhealthy" }
            ? Health(result.Status, result.State, "Worker is unhealthy; ask GET /health with credentials, or read the worker's log, for the reason.")
            : Health(result.Status, result.State, result.Message);
    }

    private static async Task<(int Status, string State, string Message)> HealthOfAsync(WorkerGateway worker)
    {
        if (!worker.IsAttached)
        {
            return (StatusCodes.Status503ServiceUnavailable, "starting", "Worker is still starting up.");
        }

        try
        {
            var health = await worker.AskAsync<WorkerProtocol.Healthy>(WorkerProtocol.GetHealth.Instance, "GET /health", worker.HealthTimeout);
            return health switch
            {
                { KafkaProblem: { } problem } => (StatusCodes.Status500InternalServerError, "unhealthy", $"Worker cannot reach Kafka: {problem}."),
                { RunsNothing: { } why, Starting: true } => (StatusCodes.Status503ServiceUnavailable, "starting", $"Worker is still starting up: {why}."),
                { RunsNothing: { } why } => (StatusCodes.Status500InternalServerError, "unhealthy", $"Worker runs no connector or task: {why}."),
                _ => (StatusCodes.Status200OK, "healthy", "Worker has completed startup and is ready to handle requests."),
            };
        }
        catch (RestException e)
        {
            return (StatusCodes.Status500InternalServerError, "unhealthy",
                $"Worker was unable to handle this request and may be unable to handle other requests: {e.Message}");
        }
    }

    private static IResult Health(int status, string state, string message) =>
        Results.Json(new HealthDto(state, message), RestJson.Options, statusCode: status);
}
