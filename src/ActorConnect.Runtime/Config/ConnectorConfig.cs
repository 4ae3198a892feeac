using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config;

/// <summary>
/// The keys every connector has (Kafka Connect's ConnectorConfig): name, class, tasks.max, converter overrides,
/// transforms, predicates and error handling; sinks add their topics and dead letter queue (SinkConnectorConfig).
/// The connector's own keys are checked by its own <see cref="ConfigDef"/>. Names, defaults, groups, order and
/// widths are Kafka Connect's, so the validate API lists the same keys in the same places.
/// </summary>
public sealed class ConnectorConfig
{
    public const string Name = "name";
    public const string ConnectorClass = "connector.class";
    public const string TasksMax = "tasks.max";
    public const string KeyConverter = "key.converter";
    public const string ValueConverter = "value.converter";
    public const string HeaderConverter = "header.converter";
    public const string Transforms = "transforms";
    public const string Predicates = "predicates";
    public const string ConfigActionReload = "config.action.reload";
    public const string ErrorsRetryTimeout = "errors.retry.timeout";
    public const string ErrorsRetryDelayMax = "errors.retry.delay.max.ms";
    public const string ErrorsTolerance = "errors.tolerance";
    public const string ErrorsLogEnable = "errors.log.enable";
    public const string ErrorsLogIncludeMessages = "errors.log.include.messages";
    public const string Topics = "topics";
    public const string TopicsRegex = "topics.regex";
    public const string DlqTopicName = "errors.deadletterqueue.topic.name";
    public const string DlqTopicReplicationFactor = "errors.deadletterqueue.topic.replication.factor";
    public const string DlqContextHeadersEnable = "errors.deadletterqueue.context.headers.enable";
    public const string MaxBatchSize = "consumer.max.batch.records";

    public const string CommonGroup = "Common";
    public const string TransformsGroup = "Transforms";
    public const string PredicatesGroup = "Predicates";
    public const string ErrorGroup = "Error Handling";

    // Kafka's NO_DEFAULT_VALUE: null is a real default (key.converter), so "required" needs its own marker. Declared
    // before the definitions below because static fields initialise in textual order.
    private static readonly object NoDefault = new();

    /// <summary>The keys of every connector, source or sink.</summary>
    public static readonly ConfigDef Common = CommonKeys(new ConfigDef());

    /// <summary>
    /// The keys of a source connector: <see cref="Common"/> plus the dead letter queue, which ActorConnect gives sources
    /// too (Kafka Connect only sinks).
    /// </summary>
    public static readonly ConfigDef Source = DeadLetterKeys(CommonKeys(new ConfigDef()), "connector");

    /// <summary>The keys of a sink connector: <see cref="Common"/> plus topics and the dead letter queue.</summary>
    public static readonly ConfigDef Sink = DeadLetterKeys(TopicKeys(CommonKeys(new ConfigDef())), "sink connector");

    /// <summary>The common definition for a source (<paramref name="isSource"/>) or a sink connector.</summary>
    public static ConfigDef For(bool isSource) => isSource ? Source : Sink;

    private static ConfigDef CommonKeys(ConfigDef def)
    {
        var order = 0;
        var errorOrder = 0;
        return def
            .Define(Key(Name, ConfigType.String, Importance.High, "Globally unique name to use for this connector.",
                CommonGroup, ++order, ConfigWidth.Medium, "Connector name", NoDefault, ConfigValidators.Lambda(NameError, ConnectorNames.Rule)))
            .Define(Key(ConnectorClass, ConfigType.String, Importance.High,
                "Name or alias of the class for this connector, for example FileStreamSource or org.apache.kafka.connect.file.FileStreamSourceConnector.",
                CommonGroup, ++order, ConfigWidth.Long, "Connector class", NoDefault))
            .Define(Key(TasksMax, ConfigType.Int, Importance.High, "Maximum number of tasks to use for this connector.",
                CommonGroup, ++order, ConfigWidth.Short, "Tasks max", 1, ConfigValidators.AtLeast(1)))
            .Define(Key(KeyConverter, ConfigType.Class, Importance.Low,
                "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka; " +
                "overrides the worker's key.converter for this connector's record keys.",
                CommonGroup, ++order, ConfigWidth.Short, "Key converter class", null))
            .Define(Key(ValueConverter, ConfigType.Class, Importance.Low,
                "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka; " +
                "overrides the worker's value.converter for this connector's record values.",
                CommonGroup, ++order, ConfigWidth.Short, "Value converter class", null))
            .Define(Key(HeaderConverter, ConfigType.Class, Importance.Low,
                "HeaderConverter class used for record headers; by default the worker's header.converter.",
                CommonGroup, ++order, ConfigWidth.Short, "Header converter class", null))
            .Define(Key(Transforms, ConfigType.List, Importance.Low, "Aliases for the transformations to be applied to records.",
                TransformsGroup, ++order, ConfigWidth.Long, "Transforms", Array.Empty<string>(), UniqueAliases("transformation")))
            .Define(Key(Predicates, ConfigType.List, Importance.Low, "Aliases for the predicates used by transformations.",
                PredicatesGroup, ++order, ConfigWidth.Long, "Predicates", Array.Empty<string>(), UniqueAliases("predicate")))
            .Define(Key(ConfigActionReload, ConfigType.String, Importance.Low,
                "The action that Connect should take on the connector when changes in external configuration providers result in a " +
                "change in the connector's configuration properties. A value of 'none' indicates that Connect will do nothing. " +
                "A value of 'restart' indicates that Connect should restart/reload the connector with the updated configuration properties.",
                CommonGroup, ++order, ConfigWidth.Medium, "Reload Action", "restart", ConfigValidators.ValidString("none", "restart")))
            .Define(Key(ErrorsRetryTimeout, ConfigType.Long, Importance.Medium,
                "The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no " +
                "retries will be attempted. Use -1 for infinite retries.",
                ErrorGroup, ++errorOrder, ConfigWidth.Medium, "Retry Timeout for Errors", 0L))
            .Define(Key(ErrorsRetryDelayMax, ConfigType.Long, Importance.Medium,
                "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once " +
                "this limit is reached to prevent thundering herd issues.",
                ErrorGroup, ++errorOrder, ConfigWidth.Medium, "Maximum Delay Between Retries for Errors", 60000L))
            .Define(Key(ErrorsTolerance, ConfigType.String, Importance.Medium,
                "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error " +
                "will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
                ErrorGroup, ++errorOrder, ConfigWidth.Short, "Error Tolerance", "none", ConfigValidators.ValidString("none", "all")))
            .Define(Key(ErrorsLogEnable, ConfigType.Boolean, Importance.Medium,
                "If true, write each error and the details of the failed operation and problematic record to the Connect " +
                "application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
                ErrorGroup, ++errorOrder, ConfigWidth.Short, "Log Errors", false))
            .Define(Key(ErrorsLogIncludeMessages, ConfigType.Boolean, Importance.Medium,
                "Whether to the include in the log the Connect record that resulted in a failure. This is 'false' by default, " +
                "which will prevent record keys, values, and headers from being written to log files.",
                ErrorGroup, ++errorOrder, ConfigWidth.Short, "Log Error Details", false));
    }

    // Kafka's SinkConnectorConfig gives topics and topics.regex the same order (4), and the DLQ keys 6 to 8.
    private static ConfigDef TopicKeys(ConfigDef def) => def
        .Define(Key(Topics, ConfigType.List, Importance.High,
            "List of topics to consume, separated by commas", CommonGroup, 4, ConfigWidth.Long, "Topics", Array.Empty<string>()))
        .Define(Key(TopicsRegex, ConfigType.String, Importance.High,
            "Regular expression giving topics to consume. Only one of topics or topics.regex should be specified.",
            CommonGroup, 4, ConfigWidth.Long, "Topics regex", "", ConfigValidators.Lambda(RegexError, "valid regex")));

    private static ConfigDef DeadLetterKeys(ConfigDef def, string kind) => def
        .Define(Key(DlqTopicName, ConfigType.String, Importance.Medium,
            "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed " +
            $"by this {kind}, or its transformations or converters. The topic name is blank by default, which means that " +
            "no messages are to be recorded in the DLQ.", ErrorGroup, 6, ConfigWidth.Medium, "Dead Letter Queue Topic Name", ""))
        .Define(Key(DlqTopicReplicationFactor, ConfigType.Short, Importance.Medium,
            "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
            ErrorGroup, 7, ConfigWidth.Medium, "Dead Letter Queue Topic Replication Factor", (short)3))
        .Define(Key(DlqContextHeadersEnable, ConfigType.Boolean, Importance.Medium,
            "If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing " +
            "with headers from the original record, all error context header keys, all error context header keys will start with __connect.errors.",
            ErrorGroup, 8, ConfigWidth.Medium, "Enable Error Context Headers", false));

    /// <summary>
    /// A key as Kafka Connect defines it. <paramref name="defaultValue"/> is <see cref="NoDefault"/> for keys that must
    /// be set; anything else, null included, is the default.
    /// </summary>
    private static ConfigKey Key(string name, ConfigType type, Importance importance, string doc, string group, int order,
        ConfigWidth width, string display, object? defaultValue, IConfigValidator? validator = null) => new()
    {
        Name = name,
        Type = type,
        HasDefault = !ReferenceEquals(defaultValue, NoDefault),
        DefaultValue = ReferenceEquals(defaultValue, NoDefault) ? null : defaultValue,
        Importance = importance,
        Documentation = doc,
        Group = group,
        OrderInGroup = order,
        Width = width,
        DisplayName = display,
        Validator = validator,
    };


    private static IConfigValidator UniqueAliases(string kind) => ConfigValidators.Lambda(
        v => v is IReadOnlyList<string> aliases && aliases.Distinct(StringComparer.Ordinal).Count() < aliases.Count ? "Duplicate alias provided." : null,
        $"unique {kind} aliases");

    // Kafka's NonEmptyStringWithoutControlChars, same words.
    private static string? NameError(object? value) => value is string name ? ConnectorNames.Problem(name) : null;

    private static string? RegexError(object? value)
    {
        if (value is not string { Length: > 0 } regex)
        {
            return null;
        }

        try
        {
            _ = new System.Text.RegularExpressions.Regex(regex);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"not a valid regular expression: {e.Message}";
        }
    }

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
