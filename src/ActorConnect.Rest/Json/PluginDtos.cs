using System.Text.Json.Serialization;
using ActorConnect.Runtime.Model;

namespace ActorConnect.Rest.Json;

/// <summary>One entry of <c>GET /connector-plugins</c>; <c>version</c> is left out when the plugin declares none, as Kafka Connect does.</summary>
public sealed record PluginInfoDto(
    [property: JsonPropertyName("class")] string Class,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version)
{
    public static PluginInfoDto From(PluginInfo p) => new(p.Class, p.Type, string.IsNullOrEmpty(p.Version) ? null : p.Version);
}

/// <summary>
/// The result of <c>PUT /connector-plugins/{plugin}/config/validate</c>: Kafka Connect's ConfigInfos, plus
/// <c>unknown_keys</c> (left out when there are none, so a clean config gets Kafka Connect's answer exactly): keys
/// nothing reads, accepted, each with a warning and the known key it is probably a typo of.
/// </summary>
public sealed record ConfigInfosDto(
    string Name,
    int ErrorCount,
    IReadOnlyList<string> Groups,
    IReadOnlyList<ConfigInfoDto> Configs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<UnknownKeyDto>? UnknownKeys)
{
    public static ConfigInfosDto From(ConfigInfos infos) =>
        new(infos.Name, infos.ErrorCount, infos.Groups, infos.Configs.Select(c => new ConfigInfoDto(ConfigKeyInfoDto.From(c.Definition), ConfigValueInfoDto.From(c.Value))).ToList(),
            infos.UnknownKeys.Count == 0 ? null : infos.UnknownKeys.Select(k => new UnknownKeyDto(k.Key, k.Suggestion, k.Message)).ToList());
}

/// <summary>A key nothing reads: the key, the known key it is probably a typo of (or null), and the warning.</summary>
public sealed record UnknownKeyDto(string Name, string? Suggestion, string Warning);

/// <summary>One key of a validation: its definition and its value.</summary>
public sealed record ConfigInfoDto(ConfigKeyInfoDto Definition, ConfigValueInfoDto Value);

/// <summary>A key's definition; <c>order</c> is Kafka Connect's JSON name for the position in the group.</summary>
public sealed record ConfigKeyInfoDto(
    string Name,
    string Type,
    bool Required,
    string? DefaultValue,
    string Importance,
    string Documentation,
    string? Group,
    [property: JsonPropertyName("order")] int OrderInGroup,
    string Width,
    string DisplayName,
    IReadOnlyList<string> Dependents)
{
    public static ConfigKeyInfoDto From(ConfigKeyInfo k) =>
        new(k.Name, k.Type, k.Required, k.DefaultValue, k.Importance, k.Documentation, k.Group, k.OrderInGroup, k.Width, k.DisplayName, k.Dependents);
}

/// <summary>A key's value and its errors.</summary>
public sealed record ConfigValueInfoDto(string Name, string? Value, IReadOnlyList<string> RecommendedValues, IReadOnlyList<string> Errors, bool Visible)
{
    public static ConfigValueInfoDto From(ConfigValueInfo v) => new(v.Name, v.Value, v.RecommendedValues, v.Errors, v.Visible);
}
