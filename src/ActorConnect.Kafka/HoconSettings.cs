using ActorConnect.Api.Errors;
using Akka.Configuration;

namespace ActorConnect.Kafka;

/// <summary>
/// Reads one value of a HOCON section into a settings object, refusing a missing or bad value with a
/// <see cref="ConfigException"/> that names the full key: Akka's own getters would turn a typo into zero or a parse
/// error that names no key. Every settings object that reads hocon/ goes through here, so all refuse alike.
/// </summary>
/// <param name="Section">The section the keys are read from.</param>
/// <param name="Path">The section's full path (<c>actorconnect.sink</c>), to name a bad key in full.</param>
public sealed record HoconSettings(Config Section, string Path)
{
    /// <summary>
    /// A file of hocon/ embedded in <paramref name="assembly"/> under <paramref name="name"/> (its <c>LogicalName</c>):
    /// the defaults travel inside the assembly that reads them, so no host needs the folder beside it.
    /// </summary>
    public static Config Embedded(System.Reflection.Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>The section at <paramref name="path"/> of <paramref name="config"/> (empty when absent: every key then reads as missing).</summary>
    public static HoconSettings Of(Config config, string path) =>
        new(config.HasPath(path) ? config.GetConfig(path) : Config.Empty, path);

    /// <summary>A sub-section, such as <c>lag</c> of <c>actorconnect.sink</c>.</summary>
    public HoconSettings Sub(string key) => Of(Section, key) with { Path = Name(key) };

    /// <summary>A duration above zero (<c>500ms</c>, <c>10s</c>, <c>2m</c>).</summary>
    public TimeSpan Duration(string key)
    {
        var raw = Raw(key);
        TimeSpan value;
        try
        {
            value = Section.GetTimeSpan(key, null, allowInfinite: false);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or ConfigurationException)
        {
            throw new ConfigException(Name(key), raw, "must be a duration such as 500ms, 10s or 2m");
        }

        return value > TimeSpan.Zero ? value : throw new ConfigException(Name(key), raw, "must be a duration above zero, such as 500ms, 10s or 2m");
    }

    /// <summary>A whole number of at least <paramref name="min"/>.</summary>
    public int Int(string key, int min)
    {
        var raw = Raw(key);
        return int.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new ConfigException(Name(key), raw, $"must be a whole number of at least {min}");
    }

    /// <summary>A number of at least zero.</summary>
    public double NonNegative(string key)
    {
        var raw = Raw(key);
        return double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ConfigException(Name(key), raw, "must be a number of at least 0");
    }

    /// <summary>A switch: <c>on</c>/<c>off</c> (or <c>true</c>/<c>false</c>, <c>yes</c>/<c>no</c>), as HOCON writes them.</summary>
    public bool Bool(string key)
    {
        var raw = Raw(key);
        return raw.ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw new ConfigException(Name(key), raw, "must be on or off"),
        };
    }

    private string Raw(string key) =>
        Section.HasPath(key) ? Section.GetString(key) : throw new ConfigException(Name(key), null, "is missing: hocon/ gives every actorconnect key a default, so an override must have emptied it");

    private string Name(string key) => Path + "." + key;
}
