using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ActorConnect.Bench.Cluster;

/// <summary>The few Kafka Connect REST calls the cluster benchmark makes, against whichever node it names.</summary>
internal sealed class ConnectRest : IDisposable
{
    // Reads are polled and must not hang on a busy node; writes answer once the owning node applied them (a delete
    // waits for the entity to re-read the internal topics), which takes longer.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(120);
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The connector's status, or null when the node does not answer in time or does not know it.</summary>
    public async Task<Status?> StatusAsync(WorkerNode node, string connector)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            using var response = await _http.GetAsync($"{node.RestBase}/connectors/{connector}/status", timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var tasks = json["tasks"]!.AsArray()
                .Select(t => new TaskStatus(t!["id"]!.GetValue<int>(), t["state"]!.GetValue<string>(), t["worker_id"]!.GetValue<string>(), t["restart_count"]?.GetValue<int>() ?? 0))
                .ToList();
            return new Status(json["connector"]!["state"]!.GetValue<string>(), json["connector"]!["worker_id"]!.GetValue<string>(), tasks);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>True when the node answers 404 for the connector: it is gone from the cluster's config.</summary>
    public async Task<bool> GoneAsync(WorkerNode node, string connector)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            using var response = await _http.GetAsync($"{node.RestBase}/connectors/{connector}", timeout.Token);
            return response.StatusCode == HttpStatusCode.NotFound;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public async Task CreateAsync(WorkerNode node, string name, IReadOnlyDictionary<string, string> config)
    {
        var body = new JsonObject { ["name"] = name, ["config"] = new JsonObject(config.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
        using var timeout = new CancellationTokenSource(WriteTimeout);
        using var response = await _http.PostAsJsonAsync($"{node.RestBase}/connectors", body, timeout.Token);
        await Ensure(response, $"POST /connectors {name} on node {node.Index}");
    }

    public async Task DeleteAsync(WorkerNode node, string name)
    {
        using var timeout = new CancellationTokenSource(WriteTimeout);
        using var response = await _http.DeleteAsync($"{node.RestBase}/connectors/{name}", timeout.Token);
        await Ensure(response, $"DELETE /connectors/{name} on node {node.Index}");
    }

    public void Dispose() => _http.Dispose();

    private static async Task Ensure(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public sealed record TaskStatus(int Id, string State, string WorkerId, int RestartCount);

    public sealed record Status(string State, string WorkerId, IReadOnlyList<TaskStatus> Tasks)
    {
        /// <summary>The connector and its <paramref name="tasks"/> tasks RUNNING, none on <paramref name="notOn"/> (tasks are placed apart from their connector).</summary>
        public bool RunningOn(int tasks, string? notOn) =>
            State == "RUNNING" && WorkerId != notOn && Tasks.Count == tasks && Tasks.All(t => t.State == "RUNNING" && t.WorkerId != notOn);

        public int Restarts => Tasks.Sum(t => t.RestartCount);
    }
}
