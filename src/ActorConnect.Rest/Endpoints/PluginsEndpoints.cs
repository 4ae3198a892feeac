using System.Text.Json;
using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>The installed plugins, their config keys, and config validation: Kafka Connect's ConnectorPluginsResource.</summary>
public static class PluginsEndpoints
{
    public static IEndpointRouteBuilder MapPluginsEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/connector-plugins", async (HttpRequest request, WorkerGateway worker) =>
        {
            var connectorsOnly = RequestValues.Bool(request, "connectorsOnly", true);
            var plugins = await worker.AskAsync<IReadOnlyList<PluginInfo>>(new WorkerProtocol.ListPlugins(connectorsOnly), "GET /connector-plugins");
            return plugins.Select(PluginInfoDto.From).ToList();
        });
        routes.MapGet("/connector-plugins/{plugin}/config", async (string plugin, WorkerGateway worker) =>
            (await worker.AskAsync<IReadOnlyList<ConfigKeyInfo>>(new WorkerProtocol.GetPluginConfig(plugin), $"GET /connector-plugins/{plugin}/config")).Select(ConfigKeyInfoDto.From).ToList());
        routes.MapPut("/connector-plugins/{plugin}/config/validate", ValidateAsync);
        return routes;
    }

    // The runtime resolves aliases, fills in connector.class from the path, and refuses a body naming another
    // connector with Kafka Connect's 400 "Included connector type X does not match request type Y".
    private static async Task<ConfigInfosDto> ValidateAsync(string plugin, [FromBody] Dictionary<string, JsonElement>? body, WorkerGateway worker)
    {
        var config = RequestValues.ConfigMap(body, "connector config to validate");
        var infos = await worker.AskAsync<ConfigInfos>(new WorkerProtocol.ValidateConfig(plugin, config), $"PUT /connector-plugins/{plugin}/config/validate");
        return ConfigInfosDto.From(infos);
    }
}
