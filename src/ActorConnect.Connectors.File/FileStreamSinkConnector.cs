using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;

namespace ActorConnect.Connectors.File;

/// <summary>
/// Appends the values of the records of its topics to one file (or to standard output), one line per record, like
/// Kafka Connect's <c>org.apache.kafka.connect.file.FileStreamSinkConnector</c>. <c>topics</c> /
/// <c>topics.regex</c> are handled by the runtime and passed through to the tasks.
/// </summary>
public sealed class FileStreamSinkConnector : SinkConnector
{
    /// <summary>The file to append to; standard output when unset or empty.</summary>
    public const string FileConfig = "file";

    private const string Group = "File";

    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    /// <summary>
    /// The names users may write in <c>connector.class</c> for this connector (besides the type's own names), read
    /// by the runtime's plugin registry: Kafka's short alias and its fully qualified Java class name.
    /// </summary>
    public static IReadOnlyList<string> Aliases { get; } =
        ["FileStreamSink", "FileStreamSinkConnector", "org.apache.kafka.connect.file.FileStreamSinkConnector"];

    /// <inheritdoc />
    public override string Version => FileConnectorVersion.Value;

    /// <inheritdoc />
    public override Type TaskType => typeof(FileStreamSinkTask);

    /// <summary>The configuration definition (a new instance on every call).</summary>
    public static ConfigDef ConfigDefinition() => new ConfigDef()
        .Define(FileConfig, ConfigType.String, null, Importance.High,
            "Destination filename. If not specified, the standard output will be used. The file is created if " +
            "missing (its directory must exist) and appended to; every task of the connector appends to it.",
            group: Group, displayName: "File");

    /// <inheritdoc />
    public override ConfigDef Config() => ConfigDefinition();

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        ConfigDefinition().Parse(props);
        _props = new Dictionary<string, string>(props);
    }

    /// <summary>Returns <paramref name="maxTasks"/> identical task configurations (each task appends to the same file).</summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, Math.Max(0, maxTasks)).Select(_ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_props)).ToList();

    /// <inheritdoc />
    public override void Stop()
    {
        // Nothing runs in the background.
    }
}
