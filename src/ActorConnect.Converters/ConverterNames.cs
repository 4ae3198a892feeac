using System.Diagnostics.CodeAnalysis;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;

namespace ActorConnect.Converters;

/// <summary>
/// The converter class names users write in <c>key.converter</c> / <c>value.converter</c>, mapped to our types: Kafka
/// Connect's class names (so existing .properties files run unchanged), the short names and our full .NET type names.
/// </summary>
public static class ConverterNames
{
    /// <summary>Kafka's StringConverter.</summary>
    public const string KafkaStringConverter = "org.apache.kafka.connect.storage.StringConverter";
    /// <summary>Kafka's JsonConverter.</summary>
    public const string KafkaJsonConverter = "org.apache.kafka.connect.json.JsonConverter";
    /// <summary>Kafka's ByteArrayConverter.</summary>
    public const string KafkaByteArrayConverter = "org.apache.kafka.connect.converters.ByteArrayConverter";
    /// <summary>Kafka's IntegerConverter.</summary>
    public const string KafkaIntegerConverter = "org.apache.kafka.connect.converters.IntegerConverter";
    /// <summary>Kafka's LongConverter.</summary>
    public const string KafkaLongConverter = "org.apache.kafka.connect.converters.LongConverter";
    /// <summary>Kafka's ShortConverter.</summary>
    public const string KafkaShortConverter = "org.apache.kafka.connect.converters.ShortConverter";
    /// <summary>Kafka's FloatConverter.</summary>
    public const string KafkaFloatConverter = "org.apache.kafka.connect.converters.FloatConverter";
    /// <summary>Kafka's DoubleConverter.</summary>
    public const string KafkaDoubleConverter = "org.apache.kafka.connect.converters.DoubleConverter";
    /// <summary>Kafka's BooleanConverter.</summary>
    public const string KafkaBooleanConverter = "org.apache.kafka.connect.converters.BooleanConverter";

    private static readonly (string KafkaName, Type Type, Func<IConverter> Factory)[] Converters =
    [
        (KafkaStringConverter, typeof(StringConverter), static () => new StringConverter()),
        (KafkaJsonConverter, typeof(JsonConverter), static () => new JsonConverter()),
        (KafkaByteArrayConverter, typeof(ByteArrayConverter), static () => new ByteArrayConverter()),
        (KafkaIntegerConverter, typeof(IntegerConverter), static () => new IntegerConverter()),
        (KafkaLongConverter, typeof(LongConverter), static () => new LongConverter()),
        (KafkaShortConverter, typeof(ShortConverter), static () => new ShortConverter()),
        (KafkaFloatConverter, typeof(FloatConverter), static () => new FloatConverter()),
        (KafkaDoubleConverter, typeof(DoubleConverter), static () => new DoubleConverter()),
        (KafkaBooleanConverter, typeof(BooleanConverter), static () => new BooleanConverter()),
    ];

    private static readonly Dictionary<string, (Type Type, Func<IConverter> Factory)> ByName = BuildNames();

    /// <summary>Every name that resolves, sorted.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = ByName.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The Kafka Connect class name of each converter type.</summary>
    public static IReadOnlyDictionary<Type, string> KafkaNames { get; } = Converters.ToDictionary(c => c.Type, c => c.KafkaName);

    /// <summary>True when <paramref name="className"/> names a known converter.</summary>
    public static bool IsKnown(string? className) => TryResolve(className, out _);

    /// <summary>Resolves a class name to the converter type.</summary>
    public static bool TryResolve(string? className, [NotNullWhen(true)] out Type? type)
    {
        if (Lookup(className) is { } entry)
        {
            type = entry.Type;
            return true;
        }

        type = null;
        return false;
    }

    /// <summary>Creates an unconfigured converter from a class name, or throws <see cref="ConfigException"/> listing the known names.</summary>
    public static IConverter Create(string className) => Create(className, "converter");

    /// <summary>Creates an unconfigured converter; <paramref name="configName"/> (for example <c>value.converter</c>) names the setting in errors.</summary>
    public static IConverter Create(string className, string configName) =>
        Lookup(className) is { } entry
            ? entry.Factory()
            : throw new ConfigException(configName, className,
                $"Class {className} could not be found. Known converters: {string.Join(", ", KnownNames)}");

    /// <summary>Creates a converter and configures it for keys or values.</summary>
    public static IConverter Create(string className, IReadOnlyDictionary<string, string> configs, bool isKey)
    {
        var converter = Create(className, isKey ? "key.converter" : "value.converter");
        converter.Configure(configs, isKey);
        return converter;
    }

    private static (Type Type, Func<IConverter> Factory)? Lookup(string? className)
    {
        if (string.IsNullOrWhiteSpace(className))
        {
            return null;
        }

        var name = className.Trim();
        if (ByName.TryGetValue(name, out var entry))
        {
            return entry;
        }

        // An assembly-qualified name: "ActorConnect.Converters.JsonConverter, ActorConnect.Converters".
        var comma = name.IndexOf(',', StringComparison.Ordinal);
        return comma > 0 && ByName.TryGetValue(name[..comma].Trim(), out entry) ? entry : null;
    }

    private static Dictionary<string, (Type, Func<IConverter>)> BuildNames()
    {
        var names = new Dictionary<string, (Type, Func<IConverter>)>(StringComparer.Ordinal);
        foreach (var (kafkaName, type, factory) in Converters)
        {
            names[kafkaName] = (type, factory);
            names[type.Name] = (type, factory);
            names[type.FullName!] = (type, factory);
        }

        return names;
    }
}
