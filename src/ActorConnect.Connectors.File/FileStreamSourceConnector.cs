using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;

namespace ActorConnect.Connectors.File;

/// <summary>
/// Streams the lines of one file (or of standard input) into one Kafka topic, like Kafka Connect's
/// <c>org.apache.kafka.connect.file.FileStreamSourceConnector</c>, with the same configuration keys and the same
/// source partition/offset shape (<c>{"filename": path}</c> / <c>{"position": bytes}</c>).
/// Always runs a single task: one file can only be read by one reader.
/// </summary>
public sealed class FileStreamSourceConnector : SourceConnector
{
    /// <summary>The file to read; standard input when unset or empty.</summary>
    public const string FileConfig = "file";

    /// <summary>The topic every line is written to.</summary>
    public const string TopicConfig = "topic";

    /// <summary>The maximum number of lines one poll returns.</summary>
    public const string BatchSizeConfig = "batch.size";

    /// <summary>The default of <see cref="BatchSizeConfig"/>, as in Kafka.</summary>
    public const int DefaultBatchSize = 2000;

    private const string Group = "File";

    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    /// <summary>
    /// The names users may write in <c>connector.class</c> for this connector (besides the type's own names), read
    /// by the runtime's plugin registry: Kafka's short alias and its fully qualified Java class name.
    /// </summary>
    public static IReadOnlyList<string> Aliases { get; } =
        ["FileStreamSource", "FileStreamSourceConnector", "org.apache.kafka.connect.file.FileStreamSourceConnector"];

    /// <inheritdoc />
    public override string Version => FileConnectorVersion.Value;

    /// <inheritdoc />
    public override Type TaskType => typeof(FileStreamSourceTask);

    /// <summary>The configuration definition (a new instance on every call).</summary>
    public static ConfigDef ConfigDefinition() => new ConfigDef()
        .Define(FileConfig, ConfigType.String, null, Importance.High,
            "Source filename. If not specified, the standard input will be used. The file is tailed: lines appended " +
            "later are read too; when it is truncated or replaced (log rotation) it is read again from the start. " +
            "Until the file exists the task reports a retriable error and keeps waiting for it.",
            group: Group, displayName: "File")
        .DefineRequired(TopicConfig, ConfigType.String, Importance.High,
            "The topic to publish data to. A single topic: a comma-separated list is rejected.",
            ConfigValidators.Lambda(ValidateTopic, "a single non-empty topic name (no comma)"),
            group: Group, displayName: "Topic")
        .Define(BatchSizeConfig, ConfigType.Int, DefaultBatchSize, Importance.Low,
            "The maximum number of records the source task can read from the file in one poll.",
            ConfigValidators.AtLeast(1), group: Group, displayName: "Batch size");

    /// <inheritdoc />
    public override ConfigDef Config() => ConfigDefinition();

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        ConfigDefinition().Parse(props);
        _props = new Dictionary<string, string>(props);
    }

    /// <summary>Returns exactly one task configuration (the connector's own), whatever <paramref name="maxTasks"/> is.</summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        [new Dictionary<string, string>(_props)];

    /// <inheritdoc />
    public override void Stop()
    {
        // Nothing runs in the background.
    }

    private static string? ValidateTopic(object? value) => value switch
    {
        string { Length: 0 } => "String must be non-empty",
        string s when s.Contains(',') =>
            "'topic' in FileStreamSourceConnector configuration requires definition of a single topic; a comma-separated list is not allowed",
        string s when s.Trim().Length == 0 => "String must be non-empty",
        _ => null,
    };
}
