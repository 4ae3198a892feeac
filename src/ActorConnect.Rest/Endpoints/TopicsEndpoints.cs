using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>A connector's active topics (KIP-558).</summary>
public static class TopicsEndpoints
{
    public static IEndpointRouteBuilder MapTopicsEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/connectors/{name}/topics", async (string name, WorkerGateway worker) =>
        {
            var topics = await worker.AskAsync<WorkerProtocol.ActiveTopics>(new WorkerProtocol.GetActiveTopics(name), $"GET /connectors/{name}/topics");
            return new Dictionary<string, TopicsDto> { [topics.Name] = new TopicsDto(topics.Topics) };
        });
        routes.MapPut("/connectors/{name}/topics/reset", async (string name, WorkerGateway worker) =>
        {
            await worker.AskAsync<Status.Success>(new WorkerProtocol.ResetActiveTopics(name), $"PUT /connectors/{name}/topics/reset");
            return Results.Accepted();
        });
        return routes;
    }
}
