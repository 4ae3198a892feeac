using System.Runtime.Loader;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.TestPlugin;

/// <summary>
/// A source connector that lives only in a plugin folder: it writes the fixed <c>messages</c> to <c>topic</c> once
/// (resuming from its stored offset after a restart), each keyed by the name of the load context its task was loaded
/// in, so a test can see from the records alone that the task ran in isolation.
/// </summary>
public sealed class IsolatedEchoSourceConnector : SourceConnector
{
    public const string TopicConfig = "topic";
    public const string MessagesConfig = "messages";
    public const string DefaultMessages = "echo-0,echo-1,echo-2";

    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    /// <summary>The names a connector.class may use for this plugin, as the registry reads them.</summary>
    public static IReadOnlyList<string> Aliases { get; } = ["com.example.IsolatedEcho", "com.example.IsolatedEchoSourceConnector"];

    public override string Version => "1.0-test";

    public override Type TaskType => typeof(IsolatedEchoSourceTask);

    public override ConfigDef Config() => new ConfigDef()
        .DefineRequired(TopicConfig, ConfigType.String, Importance.High, "Topic to write the messages to.")
        .Define(MessagesConfig, ConfigType.List, DefaultMessages, Importance.Low, "The values to write, once each, in this order.");

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [_props];

    public override void Stop()
    {
    }
}

/// <summary>Writes the configured messages once, then idles until stopped.</summary>
public sealed class IsolatedEchoSourceTask : SourceTask
{
    private static readonly IReadOnlyDictionary<string, object?> SourcePartition = new Dictionary<string, object?> { ["echo"] = "fixed" };

    private readonly ManualResetEventSlim _stopped = new();
    private string _topic = "";
    private string[] _messages = [];
    private long _next;

    public override string Version => "1.0-test";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _topic = props[IsolatedEchoSourceConnector.TopicConfig];
        _messages = props.GetValueOrDefault(IsolatedEchoSourceConnector.MessagesConfig, IsolatedEchoSourceConnector.DefaultMessages)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        _next = Context.OffsetStorageReader.Offset(SourcePartition)?["next"] is { } stored ? Convert.ToInt64(stored, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    public override IReadOnlyList<SourceRecord>? Poll()
    {
        if (_next >= _messages.Length)
        {
            _stopped.Wait(100); // nothing more to give: return soon so pause and stop are honoured
            return null;
        }

        var loadContext = AssemblyLoadContext.GetLoadContext(typeof(IsolatedEchoSourceTask).Assembly)?.Name ?? "unknown";
        var batch = new List<SourceRecord>();
        for (; _next < _messages.Length; _next++)
        {
            batch.Add(new SourceRecord(SourcePartition, new Dictionary<string, object?> { ["next"] = _next + 1 }, _topic, null,
                Schema.StringSchema, loadContext, Schema.StringSchema, _messages[_next]));
        }

        return batch;
    }

    public override void Stop() => _stopped.Set();
}
