using ActorConnect.Rest.Json;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ActorConnect.Rest.Endpoints;

/// <summary>Reading, altering and resetting a connector's offsets (KIP-875); changes need the connector STOPPED.</summary>
public static class OffsetsEndpoints
{
    public static IEndpointRouteBuilder MapOffsetsEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/connectors/{name}/offsets", async (string name, WorkerGateway worker) =>
            OffsetsDto.From(await worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name), $"GET /connectors/{name}/offsets")));
        routes.MapPatch("/connectors/{name}/offsets", AlterAsync);
        routes.MapDelete("/connectors/{name}/offsets", async (string name, WorkerGateway worker) =>
            new MessageDto((await worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.ResetOffsets(name), $"DELETE /connectors/{name}/offsets")).Message));
        return routes;
    }

    private static async Task<MessageDto> AlterAsync(string name, [FromBody] OffsetsDto? body, WorkerGateway worker)
    {
        if (body?.Offsets is not { Count: > 0 } entries)
        {
            throw RestException.BadRequest(
                "The offsets to alter are missing: send {\"offsets\": [{\"partition\": {...}, \"offset\": {...}}]} with at least one entry (see GET /connectors/" + name + "/offsets for the shape).");
        }

        var offsets = entries.Select((e, i) => new ConnectorOffset(
            RequestValues.OffsetMap(e.Partition, $"partition of offsets[{i}]") ?? throw RestException.BadRequest($"offsets[{i}] has no \"partition\"; every entry names the partition it changes."),
            RequestValues.OffsetMap(e.Offset, $"offset of offsets[{i}]"))).ToList();
        var changed = await worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.AlterOffsets(name, offsets), $"PATCH /connectors/{name}/offsets");
        return new MessageDto(changed.Message);
    }
}
