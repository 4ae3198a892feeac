using System.Text.Json;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Rest.Json;

/// <summary>
/// <c>{"offsets":[{"partition":{...},"offset":{...}}]}</c>, the body of <c>GET</c> and <c>PATCH /connectors/{name}/offsets</c>.
/// Partition and offset maps are read as JSON elements so a nested value can be refused with a message naming it.
/// </summary>
public sealed record OffsetsDto(IReadOnlyList<OffsetDto>? Offsets)
{
    public static OffsetsDto From(WorkerProtocol.ConnectorOffsets offsets) =>
        new(offsets.Offsets.Select(o => new OffsetDto(
            o.Partition.ToDictionary(kv => kv.Key, kv => ToElement(kv.Value)),
            o.Offset?.ToDictionary(kv => kv.Key, kv => ToElement(kv.Value)))).ToList());

    private static JsonElement ToElement(object? value) => JsonSerializer.SerializeToElement(value, RestJson.Options);
}

/// <summary>One partition and its offset; a null offset in a PATCH resets that partition.</summary>
public sealed record OffsetDto(Dictionary<string, JsonElement>? Partition, Dictionary<string, JsonElement>? Offset);
