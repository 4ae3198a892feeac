using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Transforms.Support;

/// <summary>Keys and validators several transforms share, worded as Kafka's.</summary>
internal static class TransformConfig
{
    public const string ReplaceNullWithDefault = "replace.null.with.default";

    private const string ReplaceNullWithDefaultDoc =
        "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.";

    /// <summary>Adds <c>replace.null.with.default</c> (boolean, default true), which most field transforms have.</summary>
    public static ConfigDef DefineReplaceNullWithDefault(this ConfigDef def) =>
        def.Define(ReplaceNullWithDefault, ConfigType.Boolean, true, Importance.Medium, ReplaceNullWithDefaultDoc);

    /// <summary>Kafka's NonEmptyListValidator.</summary>
    public static IConfigValidator NonEmptyList() =>
        ConfigValidators.Lambda(v => v is IReadOnlyList<string> { Count: > 0 } ? null : "Empty list", "non-empty list");

    /// <summary>Kafka's RegexValidator: the value must compile.</summary>
    public static IConfigValidator ValidRegex() =>
        ConfigValidators.Lambda(v => v is string s ? JavaRegex.Problem(s) is { } p ? "Invalid regex: " + p : null : null, "valid regex");

    /// <summary>
    /// A validator that runs the transform's own parser of a list value, so validation and Configure report the same
    /// problem, in the parser's words; the key is passed in because the runtime validates it under its
    /// <c>transforms.X.</c> prefix.
    /// </summary>
    public static IConfigValidator Parses(Action<string, IReadOnlyList<string>> parse, string description) => new ParsingValidator(parse, description);

    /// <summary>One of <paramref name="allowed"/>, in any case, returned as written in the list.</summary>
    public static string Canonical(string key, string value, params string[] allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigException(key, value, $"String must be one of: {string.Join(", ", allowed)}");

    private sealed class ParsingValidator(Action<string, IReadOnlyList<string>> parse, string description) : IConfigValidator
    {
        public void EnsureValid(string name, object? value) => parse(name, value as IReadOnlyList<string> ?? []);

        public string Describe() => description;
    }
}
