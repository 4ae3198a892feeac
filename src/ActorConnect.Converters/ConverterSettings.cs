using ActorConnect.Api.Config;

namespace ActorConnect.Converters;

/// <summary>Reads converter settings through a <see cref="ConfigDef"/>, so errors read as Kafka Connect's do.</summary>
internal static class ConverterSettings
{
    /// <summary>The settings a converter was given, with <paramref name="aliases"/> (alias → key) applied when the key itself is absent.</summary>
    public static ParsedConfig Parse(ConfigDef def, IReadOnlyDictionary<string, string> configs, params (string Alias, string Key)[] aliases)
    {
        ArgumentNullException.ThrowIfNull(configs);
        IReadOnlyDictionary<string, string> effective = configs;
        foreach (var (alias, key) in aliases)
        {
            if (!configs.ContainsKey(key) && configs.TryGetValue(alias, out var value))
            {
                var copy = effective as Dictionary<string, string> ?? new Dictionary<string, string>(configs, StringComparer.Ordinal);
                copy[key] = value;
                effective = copy;
            }
        }

        return def.Parse(effective);
    }
}
