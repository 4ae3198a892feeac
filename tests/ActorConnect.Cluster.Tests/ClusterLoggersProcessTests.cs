using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// <c>/admin/loggers</c> across real <c>actorconnect distributed</c> processes: each has its own log levels, so only a
/// level that travels between workers shows on another (Kafka Connect's KIP-976).
/// </summary>
[Collection("kafka")]
public sealed class ClusterLoggersProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    [Fact]
    public async Task A_level_set_with_cluster_scope_on_one_worker_is_reported_by_another_and_worker_scope_stays_on_its_worker()
    {
        await using var cluster = await ProcessCluster.StartAsync(kafka, output, size: 2);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var (a, b) = ($"http://{cluster.WorkerId(0)}", $"http://{cluster.WorkerId(1)}");
        var ns = "Test." + KafkaFixture.UniqueName("cluster").Replace("-", "", StringComparison.Ordinal);
        var local = "Test." + KafkaFixture.UniqueName("local").Replace("-", "", StringComparison.Ordinal);

        var put = await http.PutAsync($"{a}/admin/loggers/{ns}?scope=cluster", Json("""{"level":"DEBUG"}"""));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("DEBUG", await LevelAsync(http, a, ns));
        await Eventually.AssertAsync(async () => await LevelAsync(http, b, ns) == "DEBUG", ProcessCluster.Timeout, $"worker B reports {ns} at DEBUG");

        // Worker scope (the default) stays where it was asked.
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync($"{a}/admin/loggers/{local}", Json("""{"level":"TRACE"}"""))).StatusCode);
        Assert.Equal("TRACE", await LevelAsync(http, a, local));
        Assert.Null(await LevelAsync(http, b, local));
    }

    /// <summary>The level a worker reports for a logger, or null when it answers 404 (no such logger there).</summary>
    private static async Task<string?> LevelAsync(HttpClient http, string worker, string logger)
    {
        var reply = await http.GetAsync($"{worker}/admin/loggers/{logger}");
        if (reply.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        reply.EnsureSuccessStatusCode();
        return JsonNode.Parse(await reply.Content.ReadAsStringAsync())!["level"]!.GetValue<string>();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
