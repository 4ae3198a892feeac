using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Wire;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Cluster.Tests.Wire;

/// <summary>
/// One message of every <see cref="IClusterMessage"/> type (and an entity's refusal, a <c>Status.Failure</c>), each field set to a value other than its default (so a
/// field the format forgets shows), keyed by the golden file that holds its bytes.
/// </summary>
internal static class WireSamples
{
    private static readonly ConnectorStatus Plan = new(
        "orders/eu", ConnectState.Restarting, "node-a:8083", "source", "java.lang.Exception: boom\n\tat here",
        [
            new ConnectorTaskStatus(0, ConnectState.Restarting, "node-b:8083", "Trace: ü ✓", 3, new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2)).AddTicks(4567), "broker unreachable"),
            new ConnectorTaskStatus(1, ConnectState.Running, "node-c:8083"),
        ]);

    public static readonly IReadOnlyDictionary<string, object> All = new Dictionary<string, object>
    {
        ["connector-envelope"] = new ConnectorEntityProtocol.Envelope("orders/eu", new ConnectorEntityProtocol.Restart(true, true)),
        ["connector-refresh"] = ConnectorEntityProtocol.Refresh.Instance,
        ["connector-ensure-running"] = ConnectorEntityProtocol.EnsureRunning.Instance,
        ["connector-get-active-topics"] = ConnectorEntityProtocol.GetActiveTopics.Instance,
        ["connector-reset-active-topics"] = ConnectorEntityProtocol.ResetActiveTopics.Instance,
        ["connector-stop"] = ConnectorEntityProtocol.Stop.Instance,
        ["connector-restart"] = new ConnectorEntityProtocol.Restart(true, true),
        ["connector-applied"] = new ConnectorEntityProtocol.Applied("orders/eu", TargetState.Paused),
        ["connector-topic-used"] = new ConnectorProtocol.TopicUsed("orders/eu", "orders.eu"),
        ["restart-started"] = new WorkerProtocol.RestartStarted(Plan),
        ["active-topics"] = new WorkerProtocol.ActiveTopics("orders/eu", ["orders.eu", "orders.dlq"]),
        ["apply-logger-level"] = new WorkerProtocol.ApplyLoggerLevel("ActorConnect.Runtime", "DEBUG"),
        ["task-envelope"] = new TaskEntityProtocol.Envelope("orders/eu", 7, new TaskEntityProtocol.Applied("orders/eu", 7, true)),
        ["task-refresh"] = TaskEntityProtocol.Refresh.Instance,
        ["task-ensure-running"] = TaskEntityProtocol.EnsureRunning.Instance,
        ["task-restart"] = TaskEntityProtocol.Restart.Instance,
        ["task-stop"] = TaskEntityProtocol.Stop.Instance,
        ["task-applied"] = new TaskEntityProtocol.Applied("orders/eu", 7, true),
        ["task-id"] = new ConnectorTaskId("orders/eu", 7),
        ["failure"] = new Akka.Actor.Status.Failure(new ActorConnect.Runtime.Errors.ConflictException("Task orders/eu-7 is not running")),
    };

    /// <summary>Messages whose optional parts are absent: these must come back absent, not as empty values.</summary>
    public static readonly IReadOnlyList<IClusterMessage> Sparse =
    [
        new ConnectorEntityProtocol.Applied("gone", null),
        new WorkerProtocol.RestartStarted(null),
        new WorkerProtocol.ActiveTopics("idle", []),
        new ConnectorEntityProtocol.Restart(false, false),
        new TaskEntityProtocol.Applied("c", 0, false),
        new WorkerProtocol.RestartStarted(new ConnectorStatus("c", ConnectState.Unassigned, "", "unknown", null, [])),
        new ConnectorEntityProtocol.Envelope("c", ConnectorEntityProtocol.Refresh.Instance),
        new TaskEntityProtocol.Envelope("a/b/c", 0, TaskEntityProtocol.Stop.Instance),
    ];
}
