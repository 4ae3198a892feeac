namespace ActorConnect.Transforms.Support;

/// <summary>The names Kafka Connect users write for the built-in transforms and predicates.</summary>
internal static class KafkaNames
{
    private const string Package = "org.apache.kafka.connect.transforms.";

    /// <summary>The class name and the short name, e.g. <c>InsertField$Value</c>.</summary>
    public static IReadOnlyList<string> Transform(string simpleName) => [Package + simpleName, simpleName];

    /// <summary>The class name and the short name of a predicate.</summary>
    public static IReadOnlyList<string> Predicate(string simpleName) => [Package + "predicates." + simpleName, simpleName];
}
