using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Wire;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Cluster.Wire;

/// <summary>
/// The wire format of every <see cref="IClusterMessage"/>: a manifest naming the message, then its fields by number.
/// The manifests and field numbers are the contract between versions, not the C# names: rename types and properties
/// freely, but never reuse a manifest or a field number for something else, never change a field's type, and give a
/// new field a default that means what an older node meant without it (docs/distributed.md, rolling upgrades).
/// </summary>
internal static class ClusterMessageFormats
{
    /// <summary>How one message type is written and read.</summary>
    internal sealed record Format(string Manifest, Type Type, Action<object, WireWriter> Write, Func<WireFields, object> Read);

    public static readonly IReadOnlyList<Format> All =
    [
        // Connector entities: the envelope and what it carries, and their replies.
        Of<ConnectorEntityProtocol.Envelope>(
            "connector-envelope",
            (m, w) => Nest(w.String(1, m.Connector), 2, m.Message),
            f => new ConnectorEntityProtocol.Envelope(f.RequiredString(1), Unnest(f, 2))),
        Singleton("connector-refresh", ConnectorEntityProtocol.Refresh.Instance),
        Singleton("connector-ensure-running", ConnectorEntityProtocol.EnsureRunning.Instance),
        Singleton("connector-get-active-topics", ConnectorEntityProtocol.GetActiveTopics.Instance),
        Singleton("connector-reset-active-topics", ConnectorEntityProtocol.ResetActiveTopics.Instance),
        Singleton("connector-stop", ConnectorEntityProtocol.Stop.Instance),
        Of<ConnectorEntityProtocol.Restart>(
            "connector-restart",
            (m, w) => w.Bool(1, m.IncludeTasks).Bool(2, m.OnlyFailed),
            f => new ConnectorEntityProtocol.Restart(f.Bool(1), f.Bool(2))),
        Of<ConnectorEntityProtocol.Applied>(
            "connector-applied",
            (m, w) => w.String(1, m.Connector).Enum(2, m.Target),
            f => new ConnectorEntityProtocol.Applied(f.RequiredString(1), f.Enum<TargetState>(2))),
        Of<ConnectorProtocol.TopicUsed>(
            "connector-topic-used",
            (m, w) => w.String(1, m.Connector).String(2, m.Topic),
            f => new ConnectorProtocol.TopicUsed(f.RequiredString(1), f.RequiredString(2))),
        Of<WorkerProtocol.RestartStarted>(
            "restart-started",
            (m, w) => { if (m.Plan is { } plan) { w.Message(1, p => WriteStatus(plan, p)); } },
            f => new WorkerProtocol.RestartStarted(f.Message(1) is { } plan ? ReadStatus(plan) : null)),
        Of<WorkerProtocol.ActiveTopics>(
            "active-topics",
            (m, w) => w.String(1, m.Name).Strings(2, m.Topics),
            f => new WorkerProtocol.ActiveTopics(f.RequiredString(1), f.Strings(2))),

        // Workers: a log level set with scope=cluster on another worker.
        Of<WorkerProtocol.ApplyLoggerLevel>(
            "apply-logger-level",
            (m, w) => w.String(1, m.Name).String(2, m.Level),
            f => new WorkerProtocol.ApplyLoggerLevel(f.RequiredString(1), f.RequiredString(2))),

        // Task entities: the envelope and what it carries, and their replies.
        Of<TaskEntityProtocol.Envelope>(
            "task-envelope",
            (m, w) => Nest(w.String(1, m.Connector).Int(2, m.Task), 3, m.Message),
            f => new TaskEntityProtocol.Envelope(f.RequiredString(1), f.Int(2), Unnest(f, 3))),
        Singleton("task-refresh", TaskEntityProtocol.Refresh.Instance),
        Singleton("task-ensure-running", TaskEntityProtocol.EnsureRunning.Instance),
        Singleton("task-restart", TaskEntityProtocol.Restart.Instance),
        Singleton("task-stop", TaskEntityProtocol.Stop.Instance),
        Of<TaskEntityProtocol.Applied>(
            "task-applied",
            (m, w) => w.String(1, m.Connector).Int(2, m.Task).Bool(3, m.Running),
            f => new TaskEntityProtocol.Applied(f.RequiredString(1), f.Int(2), f.Bool(3))),
        Of<ConnectorTaskId>(
            "task-id",
            (m, w) => w.String(1, m.Connector).Int(2, m.Task),
            f => new ConnectorTaskId(f.RequiredString(1), f.Int(2))),
    ];

    private static readonly Dictionary<string, Format> ByManifest = All.ToDictionary(f => f.Manifest, StringComparer.Ordinal);
    private static readonly Dictionary<Type, Format> ByType = All.ToDictionary(f => f.Type);

    public static Format For(object message) =>
        ByType.TryGetValue(message.GetType(), out var format)
            ? format
            : throw new ArgumentException($"{message.GetType().FullName} is sent between nodes but has no wire format: implement {nameof(IClusterMessage)} and add it to {nameof(ClusterMessageFormats)} with a manifest and field numbers of its own");

    public static Format For(string manifest) =>
        ByManifest.TryGetValue(manifest, out var format)
            ? format
            : throw new System.Runtime.Serialization.SerializationException($"Cluster message manifest '{manifest}' is unknown to this version: it comes from a newer node, which must not send it before every node understands it (docs/distributed.md, rolling upgrades)");

    public static byte[] Write(object message)
    {
        var writer = new WireWriter();
        For(message).Write(message, writer);
        return writer.ToArray();
    }

    public static object Read(string manifest, byte[] bytes) => For(manifest).Read(WireFields.Parse(manifest, bytes));

    private static Format Of<T>(string manifest, Action<T, WireWriter> write, Func<WireFields, T> read)
        where T : IClusterMessage =>
        new(manifest, typeof(T), (m, w) => write((T)m, w), f => read(f));

    /// <summary>A message without fields: its manifest is all there is, and reading gives back the one instance.</summary>
    private static Format Singleton<T>(string manifest, T instance)
        where T : IClusterMessage =>
        Of<T>(manifest, (_, _) => { }, _ => instance);

    /// <summary>An envelope's payload: its manifest in <paramref name="field"/>, its bytes in the next field.</summary>
    private static void Nest(WireWriter writer, int field, object payload)
    {
        var format = For(payload);
        writer.String(field, format.Manifest).Message(field + 1, w => format.Write(payload, w));
    }

    private static object Unnest(WireFields fields, int field)
    {
        var manifest = fields.RequiredString(field);
        return Read(manifest, fields.Bytes(field + 1));
    }

    private static void WriteStatus(ConnectorStatus s, WireWriter w)
    {
        w.String(1, s.Name).Enum<ConnectState>(2, s.State).String(3, s.WorkerId).String(4, s.Type).String(5, s.Trace);
        foreach (var task in s.Tasks)
        {
            w.Message(6, t => t.Int(1, task.Id).Enum<ConnectState>(2, task.State).String(3, task.WorkerId).String(4, task.Trace)
                .Int(5, task.RestartCount).Int(6, task.LastFailure?.UtcTicks ?? 0).Int(7, (long)(task.LastFailure?.Offset.TotalMinutes ?? 0))
                .String(8, task.LastError));
        }
    }

    private static ConnectorStatus ReadStatus(WireFields f) => new(
        f.RequiredString(1),
        f.Enum<ConnectState>(2) ?? throw f.Missing(2),
        f.String(3) ?? string.Empty,
        f.String(4) ?? string.Empty,
        f.String(5),
        f.Messages(6).Select(t => new ConnectorTaskStatus(
            t.Int(1),
            t.Enum<ConnectState>(2) ?? throw t.Missing(2),
            t.String(3) ?? string.Empty,
            t.String(4),
            t.Int(5),
            t.Has(6) ? new DateTimeOffset(t.Long(6), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(t.Int(7))) : null,
            t.String(8))).ToList());
}
