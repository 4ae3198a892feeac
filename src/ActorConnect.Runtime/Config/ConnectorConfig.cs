using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config;

/// <summary>
/// The keys every connector has (Kafka Connect's ConnectorConfig): name, class, tasks.max, converter overrides,
/// and for sinks the topics. The connector's own keys are checked by its own <see cref="ConfigDef"/>.
/// </summary>
public sealed class ConnectorConfig
{
    public const string Name = "name";
    public const string ConnectorClass = "connector.class";
    public const string TasksMax = "tasks.max";
    public const string KeyConverter = "key.converter";
    public const string ValueConverter = "value.converter";
    public const string Topics = "topics";
    public const string TopicsRegex = "topics.regex";
    public const string MaxBatchSize = "consumer.max.batch.records";

    /// <summary>The common keys, in Kafka Connect's "Common" group.</summary>
    public static readonly ConfigDef Common = new ConfigDef()
        .DefineRequired(Name, ConfigType.String, Importance.High,
            "Globally unique name to use for this connector.", ConfigValidators.Lambda(
                v => v is string s && (s.Length == 0 || s.Any(char.IsControl)) ? "Connector name must be non-empty and contain no control characters" : null,
                "non-empty string without ISO control characters"), "Common", "Connector name")
        .DefineRequired(ConnectorClass, ConfigType.String, Importance.High,
            "Name or alias of the class for this connector, for example FileStreamSource or org.apache.kafka.connect.file.FileStreamSourceConnector.",
            group: "Common", displayName: "Connector class")
        .Define(TasksMax, ConfigType.Int, 1, Importance.High, "Maximum number of tasks to use for this connector.",
            ConfigValidators.AtLeast(1), "Common", "Tasks max")
        .Define(KeyConverter, ConfigType.Class, null, Importance.Low,
            "Converter for keys of this connector; overrides the worker's key.converter.", group: "Common", displayName: "Key converter class")
        .Define(ValueConverter, ConfigType.Class, null, Importance.Low,
            "Converter for values of this connector; overrides the worker's value.converter.", group: "Common", displayName: "Value converter class");

    private readonly ParsedConfig _parsed;

    private ConnectorConfig(ParsedConfig parsed) => _parsed = parsed;

    /// <summary>Parses the common keys of a connector configuration.</summary>
    public static ConnectorConfig Parse(IReadOnlyDictionary<string, string> props) => new(Common.Parse(props));

    public IReadOnlyDictionary<string, string> Originals => _parsed.Originals;

    public string ConnectorName => _parsed.GetString(Name)!;

    public string ClassName => _parsed.GetString(ConnectorClass)!;

    public int MaxTasks => _parsed.GetInt(TasksMax);

    /// <summary>Sink topics: exactly one of <c>topics</c> or <c>topics.regex</c>, as in Kafka Connect.</summary>
    public (IReadOnlyList<string> Topics, string? Regex) SinkTopics()
    {
        Originals.TryGetValue(Topics, out var topics);
        Originals.TryGetValue(TopicsRegex, out var regex);
        var list = (topics ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hasRegex = !string.IsNullOrWhiteSpace(regex);
        if (list.Length > 0 && hasRegex)
        {
            throw new ConfigException($"{Topics} and {TopicsRegex} are mutually exclusive options, but both are set for connector {ConnectorName}: keep one.");
        }

        if (list.Length == 0 && !hasRegex)
        {
            throw new ConfigException($"Must configure one of {Topics} or {TopicsRegex} for sink connector {ConnectorName}, for example topics=my-topic.");
        }

        if (hasRegex)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(regex!);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException(TopicsRegex, regex, $"not a valid regular expression: {e.Message}");
            }
        }

        return (list, hasRegex ? regex : null);
    }
}
