using System.Reflection;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Source;
using ActorConnect.Api.Transforms;
using ActorConnect.Transforms.Predicates;

namespace ActorConnect.Transforms.Tests;

/// <summary>Every class Kafka Connect registers as a built-in transform or predicate has a plugin here under its names.</summary>
public class PluginNamesTests
{
    private const string Package = "org.apache.kafka.connect.transforms.";

    // Kafka's META-INF/services lists of connect/transforms.
    private static readonly string[] KafkaTransforms =
    [
        "Cast$Key", "Cast$Value", "DropHeaders", "ExtractField$Key", "ExtractField$Value", "Filter", "Flatten$Key", "Flatten$Value",
        "HeaderFrom$Key", "HeaderFrom$Value", "HoistField$Key", "HoistField$Value", "InsertField$Key", "InsertField$Value", "InsertHeader",
        "MaskField$Key", "MaskField$Value", "RegexRouter", "ReplaceField$Key", "ReplaceField$Value", "SetSchemaMetadata$Key",
        "SetSchemaMetadata$Value", "TimestampConverter$Key", "TimestampConverter$Value", "TimestampRouter", "ValueToKey",
    ];

    private static readonly string[] KafkaPredicates = ["HasHeaderKey", "RecordIsTombstone", "TopicNameMatches"];

    private static IEnumerable<Type> Plugins(Type openInterface) =>
        typeof(Transformation).Assembly.GetExportedTypes().Where(t => t is { IsAbstract: false, IsClass: true }
            && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface));

    private static IReadOnlyList<string> AliasesOf(Type type) =>
        (IReadOnlyList<string>)type.GetProperty("Aliases", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    [Fact]
    public void Every_kafka_transform_has_one_plugin_with_its_class_name_and_short_name()
    {
        // Debezium's transforms (io.debezium.transforms.*) are not Kafka's: ExtractNewRecordStateTests checks their names.
        var names = Plugins(typeof(ITransformation<>)).Select(t => (Type: t, Aliases: AliasesOf(t)))
            .Where(p => !p.Aliases[0].StartsWith("io.debezium.", StringComparison.Ordinal)).ToDictionary(p => p.Type, p => p.Aliases);

        Assert.Equal(KafkaTransforms.Order(StringComparer.Ordinal), names.Values.Select(a => a[1]).Order(StringComparer.Ordinal));
        Assert.All(names.Values, a => Assert.Equal(Package + a[1], a[0]));
    }

    [Fact]
    public void Every_kafka_predicate_has_one_plugin_with_its_class_name()
    {
        var names = Plugins(typeof(IPredicate<>)).Select(AliasesOf).ToList();

        Assert.Equal(KafkaPredicates, names.Select(a => a[1]).Order(StringComparer.Ordinal));
        Assert.All(names, a => Assert.Equal(Package + "predicates." + a[1], a[0]));
    }

    [Fact]
    public void Every_plugin_serves_source_and_sink_records_and_describes_its_keys()
    {
        foreach (var type in Plugins(typeof(ITransformation<>)).Concat(Plugins(typeof(IPredicate<>))))
        {
            var instance = Activator.CreateInstance(type)!;
            Assert.True(instance is ITransformation<SourceRecord> and ITransformation<SinkRecord> || instance is IPredicate<SourceRecord> and IPredicate<SinkRecord>, type.Name);
            var config = instance is Transformation t ? t.Config() : ((Predicate)instance).Config();
            Assert.All(config.Keys, k => Assert.False(string.IsNullOrWhiteSpace(k.Documentation), $"{type.Name}.{k.Name}"));
            ((IDisposable)instance).Dispose();
        }
    }
}
