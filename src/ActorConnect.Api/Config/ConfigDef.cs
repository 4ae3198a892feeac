using System.Globalization;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Config;

/// <summary>
/// The self-description of a connector's (or the worker's) configuration, as Kafka Connect's ConfigDef:
/// keys with type, default, validator, importance, documentation and group. The runtime uses it to parse
/// configs, to answer the validate API and to name the key and the fix when a value is wrong.
/// </summary>
public sealed class ConfigDef
{
    private readonly Dictionary<string, ConfigKey> _keys = new();
    private readonly List<string> _groups = new();

    /// <summary>All keys, in definition order.</summary>
    public IReadOnlyCollection<ConfigKey> Keys => _keys.Values;

    /// <summary>The groups, in the order first used.</summary>
    public IReadOnlyList<string> Groups => _groups;

    /// <summary>Looks a key up.</summary>
    public ConfigKey? this[string name] => _keys.GetValueOrDefault(name);

    /// <summary>Defines a key with a default.</summary>
    public ConfigDef Define(string name, ConfigType type, object? defaultValue, Importance importance, string documentation, IConfigValidator? validator = null, string? group = null, string? displayName = null) =>
        Define(new ConfigKey
        {
            Name = name,
            Type = type,
            DefaultValue = defaultValue is string s && type != ConfigType.String ? ParseValue(name, type, s) : defaultValue,
            HasDefault = true,
            Validator = validator,
            Importance = importance,
            Documentation = documentation,
            Group = group,
            DisplayName = displayName ?? name,
        });

    /// <summary>Defines a required key (no default).</summary>
    public ConfigDef DefineRequired(string name, ConfigType type, Importance importance, string documentation, IConfigValidator? validator = null, string? group = null, string? displayName = null) =>
        Define(new ConfigKey
        {
            Name = name,
            Type = type,
            HasDefault = false,
            Validator = validator,
            Importance = importance,
            Documentation = documentation,
            Group = group,
            DisplayName = displayName ?? name,
        });

    /// <summary>Defines a key from a full <see cref="ConfigKey"/>.</summary>
    public ConfigDef Define(ConfigKey key)
    {
        if (_keys.ContainsKey(key.Name))
        {
            throw new ConfigException($"Configuration {key.Name} is defined twice.");
        }

        if (key.Group is { } g && !_groups.Contains(g))
        {
            _groups.Add(g);
        }

        var order = key.Group is null ? -1 : _keys.Values.Count(k => k.Group == key.Group) + 1;
        _keys[key.Name] = key with { OrderInGroup = key.OrderInGroup >= 0 ? key.OrderInGroup : order };
        return this;
    }

    /// <summary>Returns a new ConfigDef holding this one's keys and those of <paramref name="other"/>.</summary>
    public ConfigDef Merge(ConfigDef other)
    {
        var merged = new ConfigDef();
        foreach (var k in Keys.Concat(other.Keys.Where(k => !_keys.ContainsKey(k.Name))))
        {
            merged.Define(k with { OrderInGroup = -1 });
        }

        return merged;
    }

    /// <summary>
    /// Parses and validates <paramref name="props"/>, throwing one <see cref="ConfigException"/> that lists every
    /// problem. Keys not defined here are kept as given, because Kafka Connect accepts unknown keys.
    /// </summary>
    public ParsedConfig Parse(IReadOnlyDictionary<string, string> props)
    {
        var values = new Dictionary<string, object?>();
        var errors = new List<string>();
        foreach (var key in _keys.Values)
        {
            try
            {
                values[key.Name] = ParseKey(key, props);
            }
            catch (ConfigException e)
            {
                errors.Add(e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(string.Join("; ", errors));
        }

        return new ParsedConfig(values, props);
    }

    /// <summary>
    /// Validates every key, returning one <see cref="ConfigValue"/> per defined key with its errors. As in Kafka
    /// Connect, the value reported is the parsed value rendered by <see cref="ConvertToString"/>: the default when the
    /// key is unset, null when it is missing or does not parse, <c>[hidden]</c> for passwords.
    /// </summary>
    public IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> props)
    {
        var result = new List<ConfigValue>();
        foreach (var key in _keys.Values)
        {
            var errors = new List<string>();
            object? value = null;
            var parsed = true;
            if (props.TryGetValue(key.Name, out var raw))
            {
                try
                {
                    value = ParseValue(key.Name, key.Type, raw);
                }
                catch (ConfigException e)
                {
                    parsed = false;
                    errors.Add(key.Type == ConfigType.Password ? $"Invalid value {Password.Hidden} for configuration {key.Name}" : e.Message);
                }
            }
            else if (key.HasDefault)
            {
                value = key.DefaultValue;
            }
            else
            {
                parsed = false;
                errors.Add($"Missing required configuration \"{key.Name}\" which has no default value.");
            }

            if (parsed)
            {
                try
                {
                    key.Validator?.EnsureValid(key.Name, value);
                }
                catch (ConfigException e)
                {
                    errors.Add(e.Message);
                }
            }

            result.Add(new ConfigValue(key.Name, ConvertToString(value, key.Type), key.RecommendedValues, errors));
        }

        return result;
    }

    /// <summary>
    /// Renders a parsed value the way Kafka Connect's ConfigDef.convertToString does, so validation results and
    /// defaults read the same as theirs: lists comma-joined, booleans lower case, doubles with a decimal point,
    /// passwords <c>[hidden]</c>, null as null.
    /// </summary>
    public static string? ConvertToString(object? value, ConfigType type) => value switch
    {
        null => null,
        Password => Password.Hidden,
        _ when type == ConfigType.Password => Password.Hidden,
        string s => s,
        bool b => b ? "true" : "false",
        double d => double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e7
            ? d.ToString("0.0", CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture),
        Type t => t.FullName,
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(i => ConvertToString(i, ConfigType.String))),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Parses one string into the key type's .NET value, naming the key and the expected form on failure.</summary>
    public static object? ParseValue(string name, ConfigType type, string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var trimmed = raw.Trim();
        try
        {
            return type switch
            {
                ConfigType.Boolean => trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
                    : trimmed.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
                    : throw new ConfigException(name, raw, "Expected value to be either true or false"),
                ConfigType.String => raw,
                ConfigType.Int => int.Parse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture),
                ConfigType.Short => short.Parse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture),
                ConfigType.Long => long.Parse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture),
                ConfigType.Double => double.Parse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture),
                ConfigType.List => trimmed.Length == 0 ? Array.Empty<string>() : trimmed.Split(',').Select(s => s.Trim()).ToArray(),
                ConfigType.Class => trimmed,
                ConfigType.Password => new Password(raw),
                _ => throw new ConfigException(name, raw, $"Unknown type {type}"),
            };
        }
        catch (FormatException)
        {
            throw new ConfigException(name, raw, $"Not a number of type {type.ToString().ToUpperInvariant()}");
        }
        catch (OverflowException)
        {
            throw new ConfigException(name, raw, $"Out of range for type {type.ToString().ToUpperInvariant()}");
        }
    }

    private static object? ParseKey(ConfigKey key, IReadOnlyDictionary<string, string> props)
    {
        object? value;
        if (props.TryGetValue(key.Name, out var raw))
        {
            value = ParseValue(key.Name, key.Type, raw);
        }
        else if (key.HasDefault)
        {
            value = key.DefaultValue;
        }
        else
        {
            throw new ConfigException($"Missing required configuration \"{key.Name}\" which has no default value.");
        }

        key.Validator?.EnsureValid(key.Name, value);
        return value;
    }
}
