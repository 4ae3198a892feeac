using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;

namespace ActorConnect.Rest.Json;

/// <summary><c>GET /connectors/{name}</c> and the body of a create or config change: Kafka Connect's ConnectorInfo.</summary>
public sealed record ConnectorInfoDto(string Name, IReadOnlyDictionary<string, string> Config, IReadOnlyList<TaskIdDto> Tasks, string Type)
{
    public static ConnectorInfoDto From(ConnectorInfo info) =>
        new(info.Name, info.Config, info.Tasks.Select(TaskIdDto.From).ToList(), info.Type);
}

/// <summary>A task's id as Kafka Connect writes it: <c>{"connector":"a","task":0}</c>.</summary>
public sealed record TaskIdDto(string Connector, int Task)
{
    public static TaskIdDto From(ConnectorTaskId id) => new(id.Connector, id.Task);
}

/// <summary>One entry of <c>GET /connectors/{name}/tasks</c>.</summary>
public sealed record TaskInfoDto(TaskIdDto Id, IReadOnlyDictionary<string, string> Config)
{
    public static TaskInfoDto From(TaskInfo info) => new(TaskIdDto.From(info.Id), info.Config);
}

/// <summary>
/// The body of <c>POST /connectors</c>. Config values stay JSON elements until checked, so a number written without
/// quotes (<c>"tasks.max": 1</c>, which Kafka Connect accepts) is taken as its text and an object is refused by name.
/// </summary>
public sealed record CreateConnectorRequest(string? Name, Dictionary<string, System.Text.Json.JsonElement>? Config, string? InitialState);

/// <summary>One connector's entry in <c>GET /connectors?expand=status&amp;expand=info</c>; absent parts are omitted.</summary>
public sealed record ExpandedConnectorDto(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ConnectorStatusDto? Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ConnectorInfoDto? Info);

/// <summary><c>GET /connectors/{name}/topics</c>: <c>{"name":{"topics":[...]}}</c> is built from this.</summary>
public sealed record TopicsDto(IReadOnlyList<string> Topics);
