using System.Globalization;
using System.Text.Json;

namespace ActorConnect.Rest;

/// <summary>
/// Reads query values and JSON bodies the way Kafka Connect's resources take them, refusing what they cannot take with
/// a 400 that names the value and the fix (ASP.NET Core's binder would say only "failed to bind").
/// </summary>
internal static class RequestValues
{
    /// <summary>A true/false query parameter; missing means <paramref name="defaultValue"/>, anything else than true/false is a 400.</summary>
    public static bool Bool(HttpRequest request, string name, bool defaultValue)
    {
        var values = request.Query[name];
        if (values.Count == 0)
        {
            return defaultValue;
        }

        var value = values[^1];
        if (bool.TryParse(value, out var parsed))
        {
            return parsed;
        }

        throw RestException.BadRequest($"Invalid value '{value}' for query parameter {name}: use true or false (for example ?{name}=true).");
    }

    /// <summary>A config map: string values, and numbers or booleans taken as their JSON text, as Jackson coerces them for Kafka Connect.</summary>
    public static Dictionary<string, string> ConfigMap(Dictionary<string, JsonElement>? body, string what)
    {
        if (body is null)
        {
            throw RestException.BadRequest($"The request body must be a JSON object of {what}, for example {{\"connector.class\": \"FileStreamSource\", \"file\": \"test.txt\", \"topic\": \"connect-test\"}}.");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in body)
        {
            result[key] = ConfigValue(key, value, what) ?? throw RestException.BadRequest(
                $"The value of '{key}' in the {what} is null; give it a string value, or leave the key out.");
        }

        return result;
    }

    /// <summary>A patch map: like <see cref="ConfigMap"/>, and a null value means "remove this key".</summary>
    public static Dictionary<string, string?> PatchMap(Dictionary<string, JsonElement>? body)
    {
        if (body is null)
        {
            throw RestException.BadRequest("The request body must be a JSON object of the config keys to change; a null value removes a key.");
        }

        return body.ToDictionary(kv => kv.Key, kv => ConfigValue(kv.Key, kv.Value, "config patch"), StringComparer.Ordinal);
    }

    /// <summary>A partition or offset map: strings, numbers, booleans and nulls, the values offsets are made of.</summary>
    public static Dictionary<string, object?>? OffsetMap(Dictionary<string, JsonElement>? map, string what)
    {
        if (map is null)
        {
            return null;
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            result[key] = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                JsonValueKind.Number when value.TryGetInt64(out var l) => l,
                JsonValueKind.Number => value.GetDouble(),
                _ => throw RestException.BadRequest($"The {what} field '{key}' is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; partition and offset fields must be strings, numbers or booleans."),
            };
        }

        return result;
    }

    private static string? ConfigValue(string key, JsonElement value, string what) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => throw RestException.BadRequest(
            $"The value of '{key}' in the {what} is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; config values are strings (a list is written \"a,b,c\")."),
    };

    /// <summary>A task number from the path; one that is not a number names no task (404, as Kafka Connect answers).</summary>
    public static int TaskId(string connector, string task) =>
        int.TryParse(task, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw RestException.NotFound($"Task {task} of connector {connector} not found: task ids are numbers from 0 (see GET /connectors/{connector}/tasks).");
}
