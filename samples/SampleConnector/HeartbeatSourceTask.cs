using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace SampleConnector;

/// <summary>The one task of <see cref="HeartbeatSourceConnector"/>.</summary>
public sealed class HeartbeatSourceTask : SourceTask
{
    public const string BeatField = "beat";

    private readonly ManualResetEventSlim _stopping = new();
    private IReadOnlyDictionary<string, object?> _partition = new Dictionary<string, object?>();
    private string _topic = "";
    private TimeSpan _interval;
    private long _beats;
    private long _next;

    public override string Version => "1.0.0";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        var config = HeartbeatSourceConnector.ConfigDef.Parse(props);
        _topic = config.GetString(HeartbeatSourceConnector.TopicConfig)!;
        _interval = TimeSpan.FromMilliseconds(config.GetLong(HeartbeatSourceConnector.IntervalConfig));
        _beats = config.GetLong(HeartbeatSourceConnector.BeatsConfig);
        _partition = new Dictionary<string, object?> { ["heartbeat"] = props.GetValueOrDefault("name") ?? _topic };

        // Offsets read back as the runtime stored them (JSON numbers: long).
        _next = Context.OffsetStorageReader.Offset(_partition)?[BeatField] is long last ? last + 1 : 0;
    }

    public override IReadOnlyList<SourceRecord>? Poll()
    {
        // Waiting on the stop signal rather than sleeping lets Stop end a long interval at once; once every beat is
        // written the wait also keeps the runtime's poll loop from spinning.
        if (_stopping.Wait(_interval) || (_beats > 0 && _next >= _beats))
        {
            return null;
        }

        var beat = _next++;
        return [new SourceRecord(_partition, new Dictionary<string, object?> { [BeatField] = beat }, _topic, Schema.StringSchema, $"beat {beat}")];
    }

    public override void Stop() => _stopping.Set();
}
