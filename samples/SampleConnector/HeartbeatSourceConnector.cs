using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;

namespace SampleConnector;

/// <summary>
/// A source that writes "beat 0", "beat 1", ... to <c>topic</c>, one every <c>interval.ms</c>, up to <c>beats</c> of
/// them (forever when 0); after a restart it goes on from the last beat whose offset the runtime committed. The
/// smallest connector with offsets, to show ActorConnect.TestKit end to end.
/// </summary>
public sealed class HeartbeatSourceConnector : SourceConnector
{
    public const string TopicConfig = "topic";
    public const string IntervalConfig = "interval.ms";
    public const string BeatsConfig = "beats";

    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public static ConfigDef ConfigDef { get; } = new ConfigDef()
        .DefineRequired(TopicConfig, ConfigType.String, Importance.High, "The topic the beats are written to.", ConfigValidators.NonEmptyString())
        .Define(IntervalConfig, ConfigType.Long, 1000L, Importance.Medium, "Milliseconds between two beats.", ConfigValidators.AtLeast(0))
        .Define(BeatsConfig, ConfigType.Long, 0L, Importance.Low, "How many beats to write in all; 0 for no end.", ConfigValidators.AtLeast(0));

    public override string Version => "1.0.0";

    public override Type TaskType => typeof(HeartbeatSourceTask);

    public override ConfigDef Config() => ConfigDef;

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        ConfigDef.Parse(props);
        _props = props;
    }

    // One clock: a second task would only write the same beats again.
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [_props];

    public override void Stop()
    {
    }
}
