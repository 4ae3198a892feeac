using ActorConnect.Rest.Json;
using ActorConnect.Rest.Logging;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>Log levels at run time (KIP-495): root plus the loggers set explicitly, and setting one namespace's level.</summary>
public static class LoggersEndpoints
{
    public static IEndpointRouteBuilder MapLoggersEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/admin/loggers", (LogLevelRegistry levels) =>
            levels.ExplicitLevels().ToDictionary(kv => kv.Key, kv => Dto(kv.Value.Level, kv.Value.LastModified), StringComparer.Ordinal));
        routes.MapGet("/admin/loggers/{name}", (string name, LogLevelRegistry levels) =>
            levels.LevelOf(name) is { } level
                ? Dto(level.Level, level.LastModified)
                : throw RestException.NotFound($"Logger {name} not found. Loggers are namespaces or class names, for example ActorConnect.Runtime; GET /admin/loggers lists the ones set."));
        routes.MapPut("/admin/loggers/{name}", SetLevel);
        return routes;
    }

    private static async Task<IResult> SetLevel(string name, HttpRequest request, [FromBody] LoggerLevelRequest? body, LogLevelRegistry levels, WorkerGateway worker)
    {
        var scope = request.Query["scope"].LastOrDefault()?.Trim().ToLowerInvariant();
        if (scope is not (null or "" or "worker" or "cluster"))
        {
            throw RestException.BadRequest($"Invalid value '{scope}' for query parameter scope: use worker (this worker only) or cluster.");
        }

        if (string.IsNullOrWhiteSpace(body?.Level))
        {
            throw RestException.BadRequest("Desired 'level' parameter was not specified in request. Send {\"level\": \"DEBUG\"} (or TRACE, INFO, WARN, ERROR, FATAL, OFF).");
        }

        if (!Log4jLevels.TryParse(body.Level, out _, out _))
        {
            // Kafka Connect answers 404 for a level it does not know; scripts may rely on it.
            throw RestException.NotFound($"invalid log level '{body.Level}'. Use one of {string.Join(", ", Log4jLevels.Names)}.");
        }

        if (scope == "cluster")
        {
            // The worker applies it here and on every other worker of its cluster (KIP-976); Kafka Connect answers 204.
            await worker.AskAsync<WorkerProtocol.ClusterLoggerLevelSet>(new WorkerProtocol.SetClusterLoggerLevel(name, body.Level), $"PUT /admin/loggers/{name}?scope=cluster");
            return Results.NoContent();
        }

        return Results.Ok(levels.SetLevel(name, body.Level));
    }

    private static LoggerLevelDto Dto(string level, DateTimeOffset? lastModified) => new(level, lastModified?.ToUnixTimeMilliseconds());
}
