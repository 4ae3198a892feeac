using System.Text.Json.Serialization;
using ActorConnect.Runtime.Model;

namespace ActorConnect.Rest.Json;

/// <summary>
/// <c>GET /connectors/{name}/status</c>: Kafka Connect's ConnectorStateInfo. States are upper-case names, a null trace
/// is left out, and the additive fields (<c>failed_tasks</c>, <c>message</c>, <c>restart_count</c>, <c>last_failure</c>,
/// <c>last_error</c>) only add keys, so tools written for Kafka Connect still parse it.
/// </summary>
public sealed record ConnectorStatusDto(string Name, ConnectorStateDto Connector, IReadOnlyList<TaskStateDto> Tasks, string Type)
{
    public static ConnectorStatusDto From(ConnectorStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        IReadOnlyList<int>? failed = null;
        string? message = null;
        if (status.HasFailedTasks)
        {
            // Tools that look only at the connector's state (a common reason "RUNNING" hid dead tasks) see it here.
            var failedTasks = status.Tasks.Where(t => t.State == ConnectState.Failed).ToList();
            failed = failedTasks.Select(t => t.Id).ToList();
            var first = failedTasks[0];
            message = $"{failedTasks.Count} of {status.Tasks.Count} task(s) FAILED; task {first.Id}: {RootCause(first.Trace)}";
        }

        return new ConnectorStatusDto(
            status.Name,
            new ConnectorStateDto(StateName(status.State), status.WorkerId, Blank(status.Trace), failed, message),
            status.Tasks.Select(TaskStateDto.From).ToList(),
            status.Type);
    }

    internal static string StateName(ConnectState state) => state.ToString().ToUpperInvariant();

    internal static string? Blank(string? trace) => string.IsNullOrEmpty(trace) ? null : trace;

    private static string RootCause(string? trace)
    {
        var line = trace?.Split('\n', 2)[0].Trim();
        return string.IsNullOrEmpty(line) ? "no error was recorded" : line;
    }
}

/// <summary>The connector's own entry of a status.</summary>
public sealed record ConnectorStateDto(
    string State,
    string WorkerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Trace,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<int>? FailedTasks = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>A task's entry of a status, and the whole body of <c>GET /connectors/{name}/tasks/{id}/status</c>.</summary>
public sealed record TaskStateDto(
    int Id,
    string State,
    string WorkerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Trace,
    int RestartCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LastFailure,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastError)
{
    public static TaskStateDto From(ConnectorTaskStatus task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TaskStateDto(task.Id, ConnectorStatusDto.StateName(task.State), task.WorkerId, ConnectorStatusDto.Blank(task.Trace),
            task.RestartCount, task.LastFailure?.ToUniversalTime(), task.LastError);
    }
}
