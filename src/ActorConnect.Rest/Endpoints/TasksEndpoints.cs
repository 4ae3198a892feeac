using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>A connector's tasks: their configs, one task's status, and restarting one task.</summary>
public static class TasksEndpoints
{
    public static IEndpointRouteBuilder MapTasksEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/connectors/{name}/tasks", async (string name, WorkerGateway worker) =>
            (await worker.AskAsync<IReadOnlyList<TaskInfo>>(new WorkerProtocol.GetTaskConfigs(name), $"GET /connectors/{name}/tasks")).Select(TaskInfoDto.From).ToList());
        routes.MapGet("/connectors/{name}/tasks/{task}/status", async (string name, string task, WorkerGateway worker) =>
            TaskStateDto.From(await worker.AskAsync<ConnectorTaskStatus>(new WorkerProtocol.GetTaskStatus(name, RequestValues.TaskId(name, task)), $"GET /connectors/{name}/tasks/{task}/status")));
        routes.MapPost("/connectors/{name}/tasks/{task}/restart", async (string name, string task, WorkerGateway worker) =>
        {
            await worker.AskAsync<Status.Success>(new WorkerProtocol.RestartTask(name, RequestValues.TaskId(name, task)), $"POST /connectors/{name}/tasks/{task}/restart");
            return Results.NoContent();
        });
        return routes;
    }
}
