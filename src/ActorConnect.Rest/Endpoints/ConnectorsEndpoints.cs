using System.Text.Json;
using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Worker;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>Creating, reading, changing and deleting connectors: Kafka Connect's ConnectorsResource, config part.</summary>
public static class ConnectorsEndpoints
{
    private const string NameKey = "name";

    public static IEndpointRouteBuilder MapConnectorsEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/connectors", ListAsync);
        routes.MapPost("/connectors", CreateAsync);
        routes.MapGet("/connectors/{name}", async (string name, WorkerGateway worker) =>
            ConnectorInfoDto.From(await worker.AskAsync<ConnectorInfo>(new WorkerProtocol.GetConnectorInfo(name), $"GET /connectors/{name}")));
        routes.MapDelete("/connectors/{name}", async (string name, WorkerGateway worker) =>
        {
            await worker.AskAsync<WorkerProtocol.ConnectorDeleted>(new WorkerProtocol.DeleteConnector(name), $"DELETE /connectors/{name}");
            return Results.NoContent();
        });
        routes.MapGet("/connectors/{name}/config", async (string name, WorkerGateway worker) =>
            await worker.AskAsync<IReadOnlyDictionary<string, string>>(new WorkerProtocol.GetConnectorConfig(name), $"GET /connectors/{name}/config"));
        routes.MapPut("/connectors/{name}/config", PutConfigAsync);
        routes.MapPatch("/connectors/{name}/config", PatchConfigAsync);
        return routes;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, WorkerGateway worker)
    {
        var names = await worker.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance, "GET /connectors");
        // Kafka Connect ignores expand values it does not know, so scripts written for a later version still work.
        var expand = request.Query["expand"].Select(v => v?.ToLowerInvariant()).ToHashSet();
        var withStatus = expand.Contains("status");
        var withInfo = expand.Contains("info");
        if (!withStatus && !withInfo)
        {
            return Results.Ok(names);
        }

        var entries = await Task.WhenAll(names.Select(async name =>
        {
            try
            {
                var status = withStatus ? ConnectorStatusDto.From(await worker.AskAsync<ConnectorStatus>(new WorkerProtocol.GetConnectorStatus(name), $"status of {name}")) : null;
                var info = withInfo ? ConnectorInfoDto.From(await worker.AskAsync<ConnectorInfo>(new WorkerProtocol.GetConnectorInfo(name), $"info of {name}")) : null;
                return (name, entry: new ExpandedConnectorDto(status, info));
            }
            catch (NotFoundException)
            {
                // Deleted between the list and this query: it is no longer a connector to show.
                return (name, entry: (ExpandedConnectorDto?)null);
            }
        }));
        var result = new SortedDictionary<string, ExpandedConnectorDto>(StringComparer.Ordinal);
        foreach (var (name, entry) in entries)
        {
            if (entry is not null)
            {
                result[name] = entry;
            }
        }

        return Results.Ok(result);
    }

    private static async Task<IResult> CreateAsync([FromBody] CreateConnectorRequest? body, WorkerGateway worker)
    {
        if (body is null)
        {
            throw RestException.BadRequest("The request body must be a JSON object {\"name\": ..., \"config\": {...}}, with an optional \"initial_state\" (RUNNING, PAUSED or STOPPED).");
        }

        var config = RequestValues.ConfigMap(body.Config, "connector config (the \"config\" object)");
        var name = (body.Name ?? config.GetValueOrDefault(NameKey))?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw RestException.BadRequest("Connector name is missing: give it as \"name\" in the request body, for example {\"name\": \"my-connector\", \"config\": {...}}.");
        }

        CheckAndPutName(name, config);
        var state = InitialState(body.InitialState);
        var info = await worker.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(config, state), $"POST /connectors ({name})");
        return Results.Created(Location(info.Name), ConnectorInfoDto.From(info));
    }

    private static async Task<IResult> PutConfigAsync(string name, [FromBody] Dictionary<string, JsonElement>? body, WorkerGateway worker)
    {
        var config = RequestValues.ConfigMap(body, "connector config");
        CheckAndPutName(name, config);
        var put = await worker.AskAsync<WorkerProtocol.ConfigPut>(new WorkerProtocol.PutConnectorConfig(name, config), $"PUT /connectors/{name}/config");
        var dto = ConnectorInfoDto.From(put.Info);
        return put.Created ? Results.Created(Location(name), dto) : Results.Ok(dto);
    }

    private static async Task<ConnectorInfoDto> PatchConfigAsync(string name, [FromBody] Dictionary<string, JsonElement>? body, WorkerGateway worker)
    {
        var patch = RequestValues.PatchMap(body);
        if (patch.TryGetValue(NameKey, out var patchedName))
        {
            if (patchedName is null)
            {
                throw RestException.BadRequest("The connector's name cannot be removed from its config; leave \"name\" out of the patch.");
            }

            if (patchedName != name)
            {
                throw RestException.BadRequest($"Connector name configuration ({patchedName}) doesn't match connector name in the URL ({name})");
            }
        }

        return ConnectorInfoDto.From(await worker.AskAsync<ConnectorInfo>(new WorkerProtocol.PatchConnectorConfig(name, patch), $"PATCH /connectors/{name}/config"));
    }

    // Kafka Connect's checkAndPutConnectorConfigName, with its message, so scripts matching on it still match.
    private static void CheckAndPutName(string name, Dictionary<string, string> config)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw RestException.BadRequest("Connector name cannot be empty");
        }

        if (config.TryGetValue(NameKey, out var included))
        {
            if (included != name)
            {
                throw RestException.BadRequest($"Connector name configuration ({included}) doesn't match connector name in the URL ({name})");
            }
        }
        else
        {
            config[NameKey] = name;
        }
    }

    private static TargetState InitialState(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "RUNNING" => TargetState.Started,
        "PAUSED" => TargetState.Paused,
        "STOPPED" => TargetState.Stopped,
        _ => throw RestException.BadRequest($"Invalid initial_state '{value}': use RUNNING, PAUSED or STOPPED, or leave it out to start the connector running."),
    };

    internal static string Location(string name) => "/connectors/" + Uri.EscapeDataString(name);
}
