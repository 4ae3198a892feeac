using System.Text.Json;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;

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

    /// <summary>
    /// Refuses offsets the task could not start from, as Kafka Connect's FileStreamSourceConnector does (3.6+): each
    /// partition names its file (<c>{"filename": ...}</c>) and each offset is a byte position (<c>{"position": n}</c>,
    /// a whole number of 0 or more). A null offset (a reset) is always allowed, so any stored garbage can be cleared.
    /// The position's fit with the file itself is checked by the task when it starts.
    /// </summary>
    /// <exception cref="ConnectException">An offset the task could not use, naming its partition and field.</exception>
    public override bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> offsets)
    {
        ArgumentNullException.ThrowIfNull(connectorConfig);
        ArgumentNullException.ThrowIfNull(offsets);
        if (string.IsNullOrEmpty(connectorConfig.GetValueOrDefault(FileConfig)))
        {
            throw new ConnectException($"Offsets cannot be modified if the '{FileConfig}' configuration is unspecified: the connector then reads standard input, whose offsets are not tracked.");
        }

        foreach (var (partition, offset) in offsets)
        {
            if (offset is null)
            {
                continue;
            }

            var where = "the offset of partition " + JsonSerializer.Serialize(partition);
            if (!partition.ContainsKey(FileStreamSourceTask.FilenameField))
            {
                throw new ConnectException($"Partition {JsonSerializer.Serialize(partition)} has no \"{FileStreamSourceTask.FilenameField}\": this connector's partitions are {{\"{FileStreamSourceTask.FilenameField}\": \"/path/of/the/file\"}}.");
            }

            if (!offset.TryGetValue(FileStreamSourceTask.PositionField, out var position) || position is null)
            {
                throw new ConnectException($"In {where}, \"{FileStreamSourceTask.PositionField}\" is missing: give the byte position to read from, for example {{\"{FileStreamSourceTask.PositionField}\": 0}}, or a null offset to read the file from its start.");
            }

            if (FileStreamSourceTask.ToPosition(position) is null)
            {
                throw new ConnectException(
                    $"In {where}, \"{FileStreamSourceTask.PositionField}\" is {JsonSerializer.Serialize(position)}: a position is a byte offset in the file, a whole number of 0 or more, " +
                    $"for example {{\"{FileStreamSourceTask.PositionField}\": 0}}.");
            }
        }

        // Nothing is kept outside the offset store: the change is complete.
        return true;
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
