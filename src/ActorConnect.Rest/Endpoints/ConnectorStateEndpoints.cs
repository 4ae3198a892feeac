using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>A connector's status and its lifecycle: restart (KIP-745), pause, resume and stop (KIP-875).</summary>
public static class ConnectorStateEndpoints
{
    public static IEndpointRouteBuilder MapConnectorStateEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/connectors/{name}/status", async (string name, WorkerGateway worker) =>
            ConnectorStatusDto.From(await worker.AskAsync<ConnectorStatus>(new WorkerProtocol.GetConnectorStatus(name), $"GET /connectors/{name}/status")));
        routes.MapPost("/connectors/{name}/restart", RestartAsync);
        routes.MapPut("/connectors/{name}/pause", (string name, WorkerGateway worker) => SetStateAsync(worker, name, TargetState.Paused, "pause", StatusCodes.Status202Accepted));
        // Resume runs a PAUSED or a STOPPED connector again, as in Kafka Connect.
        routes.MapPut("/connectors/{name}/resume", (string name, WorkerGateway worker) => SetStateAsync(worker, name, TargetState.Started, "resume", StatusCodes.Status202Accepted));
        routes.MapPut("/connectors/{name}/stop", (string name, WorkerGateway worker) => SetStateAsync(worker, name, TargetState.Stopped, "stop", StatusCodes.Status204NoContent));
        return routes;
    }

    private static async Task<IResult> RestartAsync(string name, HttpRequest request, WorkerGateway worker)
    {
        var includeTasks = RequestValues.Bool(request, "includeTasks", false);
        var onlyFailed = RequestValues.Bool(request, "onlyFailed", false);
        var started = await worker.AskAsync<WorkerProtocol.RestartStarted>(new WorkerProtocol.RestartConnector(name, includeTasks, onlyFailed), $"POST /connectors/{name}/restart");
        // The plain restart is done when answered (204); any other asks for a plan, whose RESTARTING entries show what will restart.
        return started.Plan is null
            ? Results.NoContent()
            : Results.Json(ConnectorStatusDto.From(started.Plan), RestJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> SetStateAsync(WorkerGateway worker, string name, TargetState state, string verb, int status)
    {
        await worker.AskAsync<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(name, state), $"PUT /connectors/{name}/{verb}");
        return Results.StatusCode(status);
    }
}
