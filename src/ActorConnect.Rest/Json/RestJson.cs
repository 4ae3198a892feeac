using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorConnect.Rest.Json;

/// <summary>The JSON settings of every request and response: Kafka Connect's snake_case field names.</summary>
public static class RestJson
{
    /// <summary>
    /// Field names snake_case (worker_id, error_code); dictionary keys, which are config keys and offset fields, as given.
    /// Nulls are written, as Jackson does for Kafka Connect, except where a DTO omits them on purpose (trace).
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.PropertyNameCaseInsensitive = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.AllowTrailingCommas = false;
    }

    /// <summary>A standalone copy of the settings, for writing responses outside the endpoint pipeline.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
