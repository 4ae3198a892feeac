using System.Collections.Concurrent;
using System.Globalization;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Source;

namespace ActorConnect.Rest.Tests.TestConnectors;

/// <summary>
/// A source whose task N fails while the file <c>fail-N</c> exists in <c>marker.dir</c>; it produces nothing, and
/// counts how often each task started so a test can tell which tasks a restart touched.
/// </summary>
public sealed class FailOnDemandSourceConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    /// <summary>Starts per "connector/task".</summary>
    public static ConcurrentDictionary<string, int> Starts { get; } = new();

    public static int StartsOf(string connector, int task) => Starts.GetValueOrDefault($"{connector}/{task}");

    public override string Version => "1.0-test";

    public override Type TaskType => typeof(FailOnDemandSourceTask);

    public override ConfigDef Config() => new ConfigDef().DefineRequired("marker.dir", ConfigType.String, Importance.High, "Folder of the fail-N marker files.");

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        Enumerable.Range(0, maxTasks)
            .Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_props) { ["task.number"] = i.ToString(CultureInfo.InvariantCulture) })
            .ToList();

    public override void Stop()
    {
    }
}

public sealed class FailOnDemandSourceTask : SourceTask
{
    private string _marker = "";
    private readonly ManualResetEventSlim _stopped = new();

    public override string Version => "1.0-test";

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        var task = props["task.number"];
        _marker = Path.Combine(props["marker.dir"], "fail-" + task);
        FailOnDemandSourceConnector.Starts.AddOrUpdate($"{props["name"]}/{task}", 1, (_, n) => n + 1);
    }

    public override IReadOnlyList<SourceRecord>? Poll()
    {
        if (File.Exists(_marker))
        {
            throw new InvalidOperationException($"Marker {Path.GetFileName(_marker)} exists: failing on demand");
        }

        // Nothing to produce; waiting on the stop signal keeps stop prompt without spinning.
        _stopped.Wait(TimeSpan.FromMilliseconds(100));
        return null;
    }

    public override void Stop() => _stopped.Set();
}
