using System.Reflection;
using Confluent.Kafka;

namespace ActorConnect.Kafka.ClientKeys;

/// <summary>
/// Every key a Kafka client setting may have here: the Java client keys Kafka Connect users write (translated, see
/// <see cref="JavaClientKeys"/> and <see cref="KafkaSecurity"/>) and librdkafka's own, which pass through. What a
/// <c>producer.</c>, <c>consumer.</c> or <c>*.override.</c> key is checked against, so a typo is told apart from a
/// setting.
/// </summary>
public static class ClientKeyNames
{
    /// <summary>
    /// librdkafka's other names for properties Confluent.Kafka's typed configs write under one name only
    /// (CONFIGURATION.md, "Alias for"), which users copy from librdkafka's documentation.
    /// </summary>
    private static readonly string[] LibrdkafkaAliases =
        ["metadata.broker.list", "queue.buffering.max.ms", "request.required.acks", "compression.codec", "max.in.flight", "auto.commit.enable"];

    private static readonly Lazy<HashSet<string>> Known = new(() =>
        new HashSet<string>(JavaClientKeys.Keys.Concat(KafkaSecurity.JavaKeys).Concat(LibrdkafkaKeys()).Concat(LibrdkafkaAliases), StringComparer.Ordinal));

    /// <summary>Every known key, Java's and librdkafka's.</summary>
    public static IReadOnlyCollection<string> All => Known.Value;

    /// <summary>True when <paramref name="key"/> (prefix removed) is a Java client key or a librdkafka property.</summary>
    public static bool IsKnown(string key) => Known.Value.Contains(key);

    /// <summary>
    /// librdkafka's properties, read from Confluent.Kafka's typed configs: each typed property writes its librdkafka
    /// name into the config's dictionary when set, so setting every one lists them all, for the librdkafka version the
    /// client ships with, without a copy of its CONFIGURATION.md to keep in step.
    /// </summary>
    private static IEnumerable<string> LibrdkafkaKeys()
    {
        foreach (var config in new ClientConfig[] { new ProducerConfig(), new ConsumerConfig(), new AdminClientConfig() })
        {
            foreach (var property in config.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
            {
                if (SampleValue(property.PropertyType) is { } value)
                {
                    try
                    {
                        property.SetValue(config, value);
                    }
                    catch (TargetInvocationException)
                    {
                        // A setter that checks its value against others; its key is not needed to judge a typo.
                    }
                }
            }

            foreach (var (key, _) in config)
            {
                yield return key;
            }
        }
    }

    private static object? SampleValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying == typeof(string) ? "x"
            : underlying == typeof(int) ? 1
            : underlying == typeof(long) ? 1L
            : underlying == typeof(double) ? 1.0
            : underlying == typeof(bool) ? true
            : underlying.IsEnum ? Enum.GetValues(underlying).GetValue(0)
            : null;
    }
}
