namespace ActorConnect.Runtime.Model;

/// <summary>The result of validating a connector config: Kafka Connect's ConfigInfos, field for field.</summary>
/// <param name="Name">The connector class validated against.</param>
/// <param name="ErrorCount">Errors over all keys.</param>
/// <param name="Groups">Group names in order: Common, Transforms, Predicates, Error Handling, then the plugin's.</param>
/// <param name="Configs">One entry per key.</param>
public sealed record ConfigInfos(string Name, int ErrorCount, IReadOnlyList<string> Groups, IReadOnlyList<ConfigInfo> Configs)
{
    /// <summary>
    /// Keys of the config that nothing reads (not in Kafka Connect's ConfigInfos): accepted, so no error, but each one
    /// warned about, with the known key it is probably a typo of.
    /// </summary>
    public IReadOnlyList<UnknownKey> UnknownKeys { get; init; } = [];
}

/// <summary>One key's definition and value.</summary>
public sealed record ConfigInfo(ConfigKeyInfo Definition, ConfigValueInfo Value);

/// <summary>A key's definition (Kafka Connect's ConfigKeyInfo; serialised with <c>order</c> for <paramref name="OrderInGroup"/>).</summary>
/// <param name="Name">The key.</param>
/// <param name="Type">STRING, INT, SHORT, LONG, DOUBLE, BOOLEAN, LIST, CLASS or PASSWORD.</param>
/// <param name="Required">True when it has no default.</param>
/// <param name="DefaultValue">The default rendered as a string, or null.</param>
/// <param name="Importance">HIGH, MEDIUM or LOW.</param>
/// <param name="Documentation">The key's documentation.</param>
/// <param name="Group">Its group, or null.</param>
/// <param name="OrderInGroup">Its position in the group.</param>
/// <param name="Width">NONE, SHORT, MEDIUM or LONG.</param>
/// <param name="DisplayName">Its display name.</param>
/// <param name="Dependents">Keys that depend on it.</param>
public sealed record ConfigKeyInfo(
    string Name,
    string Type,
    bool Required,
    string? DefaultValue,
    string Importance,
    string Documentation,
    string? Group,
    int OrderInGroup,
    string Width,
    string DisplayName,
    IReadOnlyList<string> Dependents);

/// <summary>A key's value and its errors; PASSWORD values are "[hidden]".</summary>
public sealed record ConfigValueInfo(string Name, string? Value, IReadOnlyList<string> RecommendedValues, IReadOnlyList<string> Errors, bool Visible);
