using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Adds the rules that span several keys (a mode without its columns, exclusive lists, upsert without a key) to the
/// per-key validation, so <c>PUT /connector-plugins/{plugin}/config/validate</c> reports them on the key at fault.
/// </summary>
internal static class ConfigValidation
{
    public static IReadOnlyList<ConfigValue> Validate(ConfigDef def, IReadOnlyDictionary<string, string> props, Action<IReadOnlyDictionary<string, string>> parse, string fallbackKey)
    {
        var values = def.Validate(props).ToList();
        if (values.Any(v => v.Errors.Count > 0))
        {
            return values;
        }

        try
        {
            parse(props);
        }
        catch (ConfigException e)
        {
            var key = e.Name ?? values.FirstOrDefault(v => e.Message.Contains(v.Name, StringComparison.Ordinal))?.Name ?? fallbackKey;
            var index = values.FindIndex(v => v.Name == key);
            if (index >= 0)
            {
                values[index] = values[index] with { Errors = [.. values[index].Errors, e.Message] };
            }
        }

        return values;
    }
}
