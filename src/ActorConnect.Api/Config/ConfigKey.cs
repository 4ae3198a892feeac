namespace ActorConnect.Api.Config;

/// <summary>
/// One key of a <see cref="ConfigDef"/>: everything needed to parse it, validate it and document it, kept in one
/// place so the validate API, error messages and generated docs never disagree.
/// </summary>
public sealed record ConfigKey
{
    /// <summary>The key.</summary>
    public required string Name { get; init; }
    /// <summary>The value type.</summary>
    public required ConfigType Type { get; init; }
    /// <summary>The default, already parsed; ignored when <see cref="HasDefault"/> is false.</summary>
    public object? DefaultValue { get; init; }
    /// <summary>False for required keys.</summary>
    public bool HasDefault { get; init; }
    /// <summary>An optional extra check.</summary>
    public IConfigValidator? Validator { get; init; }
    /// <summary>How much the key matters.</summary>
    public Importance Importance { get; init; } = Importance.Medium;
    /// <summary>What the key does.</summary>
    public string Documentation { get; init; } = string.Empty;
    /// <summary>The group the key is shown under (for example "Common").</summary>
    public string? Group { get; init; }
    /// <summary>The order within the group.</summary>
    public int OrderInGroup { get; init; } = -1;
    /// <summary>A display name for UIs.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Keys whose values depend on this one.</summary>
    public IReadOnlyList<string> Dependents { get; init; } = Array.Empty<string>();
    /// <summary>How wide a UI should make the input field for this key.</summary>
    public ConfigWidth Width { get; init; } = ConfigWidth.None;
    /// <summary>
    /// Values a UI may offer for this key (for example the known converter classes); empty when any value of the
    /// type will do. Validation reports them unchanged, it does not restrict the value to them.
    /// </summary>
    public IReadOnlyList<object> RecommendedValues { get; init; } = Array.Empty<object>();
}

/// <summary>The result of validating one key: its value and what is wrong with it.</summary>
/// <param name="Name">The key.</param>
/// <param name="Value">The value as shown to users: for <see cref="ConfigDef.Validate"/> the parsed value (or default) rendered as Kafka Connect renders it, secrets hidden.</param>
/// <param name="RecommendedValues">Values a UI may offer.</param>
/// <param name="Errors">What is wrong; empty when valid.</param>
/// <param name="Visible">Whether a UI should show the key.</param>
public sealed record ConfigValue(string Name, object? Value, IReadOnlyList<object> RecommendedValues, IReadOnlyList<string> Errors, bool Visible = true)
{
    /// <summary>Returns a copy with one more error.</summary>
    public ConfigValue WithError(string error) => this with { Errors = Errors.Append(error).ToArray() };
}
