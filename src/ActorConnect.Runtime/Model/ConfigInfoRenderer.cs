using ActorConnect.Api.Config;
using ActorConnect.Security;

namespace ActorConnect.Runtime.Model;

/// <summary>Turns ConfigDef keys and validated values into the REST shapes, with Kafka Connect's spellings.</summary>
internal static class ConfigInfoRenderer
{
    public static ConfigKeyInfo Key(ConfigKey key) => new(
        key.Name,
        TypeName(key.Type),
        !key.HasDefault,
        key.HasDefault ? ConfigDef.ConvertToString(key.DefaultValue, key.Type) : null,
        key.Importance.ToString().ToUpperInvariant(),
        key.Documentation,
        key.Group,
        key.OrderInGroup,
        key.Width.ToString().ToUpperInvariant(),
        key.DisplayName ?? key.Name,
        key.Dependents);

    /// <summary>
    /// The definition shown for a value no key defines (a connector's Validate reporting on a key its ConfigDef lacks).
    /// Kafka Connect shows a null definition there; ours is never null, so it is a bare STRING key, or PASSWORD for a
    /// secret key (<c>producer.override.sasl.jaas.config</c>: Kafka's client ConfigDef types it PASSWORD).
    /// </summary>
    public static ConfigKeyInfo Undefined(string name) =>
        new(name, SecretKeys.IsSecret(name) ? "PASSWORD" : "STRING", false, null, "LOW", string.Empty, null, -1, "NONE", name, Array.Empty<string>());

    /// <summary>
    /// A value as Kafka Connect shows it. Whatever the connector's Validate put in the value, a PASSWORD key, or any
    /// secret key by its name (<see cref="SecretKeys.IsSecret"/>), shows <c>[hidden]</c>: a connector overriding
    /// Validate or typing its password STRING must not be able to leak the secret through the REST API.
    /// </summary>
    public static ConfigValueInfo Value(ConfigValue value, ConfigType? type)
    {
        var rendered = (type == ConfigType.Password || SecretKeys.IsSecret(value.Name)) && value.Value is not null
            ? Password.Hidden
            : ConfigDef.ConvertToString(value.Value, type ?? ConfigType.String);
        var recommendedType = type is null or ConfigType.List ? ConfigType.String : type.Value;
        return new ConfigValueInfo(
            value.Name,
            rendered,
            value.RecommendedValues.Select(v => ConfigDef.ConvertToString(v, recommendedType) ?? string.Empty).ToList(),
            value.Errors,
            value.Visible);
    }

    public static string TypeName(ConfigType type) => type.ToString().ToUpperInvariant();
}
