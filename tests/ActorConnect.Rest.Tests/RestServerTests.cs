using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.Rest.Hosting;
using ActorConnect.Rest.Logging;
using Akka.Actor;

namespace ActorConnect.Rest.Tests;

/// <summary>The server on its own, without Kafka: binding <c>http://:0</c>, answering before the worker is attached, and a worker that never answers.</summary>
public sealed class RestServerTests
{
    [Fact]
    public async Task Binds_any_port_on_every_interface_and_answers_503_until_the_worker_is_attached()
    {
        await using var rest = RestServer.Create(RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = "http://:0" }), new LogLevelRegistry());
        await rest.StartAsync();
        var port = Assert.Single(rest.BoundPorts.Values);
        Assert.NotEqual(0, port);
        Assert.EndsWith($":{port}", rest.WorkerId, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("starting", JsonNode.Parse(await health.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());

        using var connectors = await http.GetAsync("/connectors");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, connectors.StatusCode);
        var error = JsonNode.Parse(await connectors.Content.ReadAsStringAsync())!;
        Assert.Equal(503, error["error_code"]!.GetValue<int>());
        await rest.StopAsync();
    }

    [Fact]
    public async Task A_worker_that_does_not_answer_gives_500_request_timed_out_and_unhealthy()
    {
        using var system = ActorSystem.Create("silent-" + Guid.NewGuid().ToString("N")[..8]);
        var silent = system.ActorOf(Props.Create(() => new SilentActor()));
        var options = RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = "http://127.0.0.1:0" })
            with { RequestTimeout = TimeSpan.FromMilliseconds(300), HealthTimeout = TimeSpan.FromMilliseconds(300) };
        await using var rest = RestServer.Create(options, new LogLevelRegistry());
        await rest.StartAsync();
        rest.Attach(silent);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rest.BoundPorts.Values.Single()}") };

        using var connectors = await http.GetAsync("/connectors");
        Assert.Equal(HttpStatusCode.InternalServerError, connectors.StatusCode);
        var error = JsonNode.Parse(await connectors.Content.ReadAsStringAsync())!;
        Assert.Equal(500, error["error_code"]!.GetValue<int>());
        Assert.StartsWith("Request timed out.", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.InternalServerError, health.StatusCode);
        Assert.Equal("unhealthy", JsonNode.Parse(await health.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        await rest.StopAsync();
        await system.Terminate();
    }

    [Fact]
    public async Task A_port_in_use_fails_the_start()
    {
        await using var first = RestServer.Create(RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = "http://127.0.0.1:0" }), new LogLevelRegistry());
        await first.StartAsync();
        var taken = first.BoundPorts.Values.Single();
        await using var second = RestServer.Create(RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = $"http://127.0.0.1:{taken}" }), new LogLevelRegistry());
        await Assert.ThrowsAnyAsync<IOException>(() => second.StartAsync());
        await first.StopAsync();
    }

    private sealed class SilentActor : ReceiveActor
    {
        public SilentActor() => ReceiveAny(_ => { });
    }
}
