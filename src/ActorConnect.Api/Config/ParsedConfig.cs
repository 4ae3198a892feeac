using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Config;

/// <summary>Typed values of a parsed configuration, plus the original strings (unknown keys included).</summary>
public sealed class ParsedConfig
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    /// <summary>Creates a parsed config; use <see cref="ConfigDef.Parse"/>.</summary>
    public ParsedConfig(IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, string> originals)
    {
        _values = values;
        Originals = originals;
    }

    /// <summary>The configuration as given, every key as a string.</summary>
    public IReadOnlyDictionary<string, string> Originals { get; }

    /// <summary>A string value (null when unset without default).</summary>
    public string? GetString(string name) => Get(name) switch
    {
        null => null,
        string s => s,
        Password p => p.Value,
        var v => v.ToString(),
    };

    /// <summary>An int value.</summary>
    public int GetInt(string name) => Convert.ToInt32(Get(name) ?? throw Missing(name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A long value.</summary>
    public long GetLong(string name) => Convert.ToInt64(Get(name) ?? throw Missing(name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A double value.</summary>
    public double GetDouble(string name) => Convert.ToDouble(Get(name) ?? throw Missing(name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A boolean value.</summary>
    public bool GetBoolean(string name) => (bool)(Get(name) ?? throw Missing(name));

    /// <summary>A list value (empty when unset).</summary>
    public IReadOnlyList<string> GetList(string name) => Get(name) as IReadOnlyList<string> ?? Array.Empty<string>();

    /// <summary>A password value.</summary>
    public Password? GetPassword(string name) => Get(name) as Password;

    /// <summary>The original strings of every key starting with <paramref name="prefix"/>, with the prefix removed.</summary>
    public IReadOnlyDictionary<string, string> OriginalsWithPrefix(string prefix) =>
        Originals.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    /// <summary>The parsed value of a defined key.</summary>
    public object? Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new ConfigException($"Unknown configuration '{name}'");

    private static ConfigException Missing(string name) => new($"Missing required configuration \"{name}\" which has no default value.");
}
