using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Offsets in Kafka Connect's JSON shape: key <c>["connector",{partition}]</c>, value <c>{offset}</c>, the layout its
/// offsets topic uses, so tools that read one can read the other. Keys are written with sorted fields so the same
/// partition always maps to the same key.
/// </summary>
public static class OffsetJson
{
    public static string Key(string connector, IReadOnlyDictionary<string, object?> partition) =>
        new JsonArray(JsonValue.Create(connector), ToNode(partition)).ToJsonString();

    public static JsonNode? ToNode(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null)
        {
            return null;
        }

        var obj = new JsonObject();
        foreach (var kv in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            obj[kv.Key] = kv.Value switch
            {
                null => null,
                string s => JsonValue.Create(s),
                bool b => JsonValue.Create(b),
                int i => JsonValue.Create((long)i),
                long l => JsonValue.Create(l),
                short sh => JsonValue.Create((long)sh),
                double d => JsonValue.Create(d),
                float f => JsonValue.Create((double)f),
                decimal m => JsonValue.Create(m),
                var other => throw new ArgumentException($"Offset and partition values must be strings, numbers or booleans; got {other.GetType().Name} for '{kv.Key}'"),
            };
        }

        return obj;
    }

    public static IReadOnlyDictionary<string, object?>? FromNode(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            return null;
        }

        var map = new Dictionary<string, object?>();
        foreach (var kv in obj)
        {
            map[kv.Key] = kv.Value switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                JsonValue v when v.TryGetValue<long>(out var l) => l,
                JsonValue v => v.GetValue<double>(),
                var other => other.ToJsonString(),
            };
        }

        return map;
    }
}
