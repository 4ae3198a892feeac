using System.Text.Json;
using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Validation;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>The installed plugins, their config keys, and config validation: Kafka Connect's ConnectorPluginsResource.</summary>
public static class PluginsEndpoints
{
    private const string ConnectorClassKey = "connector.class";

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

    private static async Task<ConfigInfosDto> ValidateAsync(string plugin, [FromBody] Dictionary<string, JsonElement>? body, WorkerGateway worker)
    {
        var config = RequestValues.ConfigMap(body, "connector config to validate");
        if (config.TryGetValue(ConnectorClassKey, out var included) && !SamePlugin(included, plugin))
        {
            throw RestException.BadRequest($"Included connector type {included} does not match request type {plugin}");
        }

        // Validation needs the class in the config, as in Kafka Connect.
        config[ConnectorClassKey] = included ?? plugin;
        var infos = await worker.AskAsync<ConfigInfos>(new WorkerProtocol.ValidateConfig(plugin, config), $"PUT /connector-plugins/{plugin}/config/validate");
        return ConfigInfosDto.From(infos);
    }

    // Kafka Connect compares names without the "Connector" suffix, one ending with the other, so the simple name in
    // the path matches the full class name in the body ("FileStreamSink" and "org.apache...FileStreamSinkConnector").
    private static bool SamePlugin(string a, string b)
    {
        var x = Normalized(a);
        var y = Normalized(b);
        return x.EndsWith(y, StringComparison.Ordinal) || y.EndsWith(x, StringComparison.Ordinal);
    }

    private static string Normalized(string name)
    {
        var trimmed = name.Trim();
        return trimmed.EndsWith("Connector", StringComparison.Ordinal) && trimmed.Length > "Connector".Length ? trimmed[..^"Connector".Length] : trimmed;
    }
}
