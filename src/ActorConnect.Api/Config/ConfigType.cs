namespace ActorConnect.Api.Config;

/// <summary>The value types of a config key, named as in Kafka Connect so the validate API reports the same words.</summary>
public enum ConfigType
{
    /// <summary>true/false.</summary>
    Boolean,
    /// <summary>Free text.</summary>
    String,
    /// <summary>32-bit integer.</summary>
    Int,
    /// <summary>16-bit integer.</summary>
    Short,
    /// <summary>64-bit integer.</summary>
    Long,
    /// <summary>Floating point.</summary>
    Double,
    /// <summary>Comma-separated list of strings.</summary>
    List,
    /// <summary>A class (type) name.</summary>
    Class,
    /// <summary>A secret: never logged, rendered as <c>[hidden]</c>.</summary>
    Password,
}

/// <summary>How much a key matters to the user, shown by validation and docs.</summary>
public enum Importance
{
    /// <summary>Must usually be set.</summary>
    High,
    /// <summary>Often tuned.</summary>
    Medium,
    /// <summary>Rarely tuned.</summary>
    Low,
}

/// <summary>How wide a UI should make a key's input field, named as Kafka Connect's ConfigDef.Width.</summary>
public enum ConfigWidth
{
    /// <summary>No preference.</summary>
    None,
    /// <summary>A few characters (numbers, flags).</summary>
    Short,
    /// <summary>A name.</summary>
    Medium,
    /// <summary>A class name, a list or a path.</summary>
    Long,
}

/// <summary>A secret config value; <see cref="ToString"/> hides it so it cannot leak into logs.</summary>
/// <param name="Value">The secret.</param>
public sealed record Password(string Value)
{
    /// <summary>The rendering used everywhere a secret could be shown.</summary>
    public const string Hidden = "[hidden]";

    /// <inheritdoc />
    public override string ToString() => Hidden;
}
