using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// What a hostile operator leaves for the real actorconnect process: connectors stored under names no URL reaches, and
/// values made to forge log lines. The worker starts, reports what it cannot run, and its log stays its own.
/// </summary>
[Collection("kafka")]
public sealed partial class HostileInputTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_worker_whose_store_holds_names_no_URL_reaches_starts_warns_once_and_reports_them_FAILED()
    {
        using var dir = RepoPaths.CreateTempDirectory("stored-names");
        var worker = HostProcess.WriteWorker(dir.Path, kafka);
        var store = dir.Combine("connect.offsets.connectors.json");
        var fine = KafkaFixture.UniqueName("fine");
        var stored = new JsonObject();
        foreach (var name in new[] { "..", "a/b", fine })
        {
            stored[name] = new JsonObject { ["config"] = Source(dir, name), ["target_state"] = "STARTED" };
        }

        await File.WriteAllTextAsync(store, new JsonObject { ["connectors"] = stored }.ToJsonString());
        // A connector file on the command line is refused by the same rule: reported and skipped, the others run.
        var file = HostProcess.WriteConnector(dir.Path, "slash.properties", [.. Source(dir, "from/file").Select(p => (p.Key, p.Value!.GetValue<string>()))]);

        await using var host = HostProcess.Standalone(dir.Path, worker, file);
        using var http = await ConnectAsync(host);
        await Eventually.AssertAsync(async () =>
        {
            var all = JsonNode.Parse(await http.GetStringAsync("/connectors?expand=status"))!.AsObject();
            Assert.Equal(["..", "a/b", fine], all.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal("RUNNING", all[fine]!["status"]!["connector"]!["state"]!.GetValue<string>());
            foreach (var name in new[] { "..", "a/b" })
            {
                var status = all[name]!["status"]!["connector"]!;
                Assert.Equal("FAILED", status["state"]!.GetValue<string>());
                Assert.Contains("cannot reach", status["trace"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.Contains(store, status["trace"]!.GetValue<string>(), StringComparison.Ordinal);
            }
        }, Wait);

        foreach (var name in new[] { "..", "a/b" })
        {
            var warning = Assert.Single(host.Lines, l => l.Contains($"Connector '{name}' was stored under a name the REST API cannot reach", StringComparison.Ordinal));
            Assert.Contains(" WRN] ", warning, StringComparison.Ordinal);
            Assert.Contains($"delete the entry \"{name}\" under \"connectors\" in {store}", warning, StringComparison.Ordinal);
        }

        Assert.Contains(host.Lines, l => l.Contains("Connector from " + file + " not started", StringComparison.Ordinal) && l.Contains("'/'", StringComparison.Ordinal));
        Assert.Equal(0, await host.StopGracefullyAsync(Wait));
    }

    [Fact]
    public async Task Values_made_to_forge_log_lines_are_written_escaped_on_the_line_that_quotes_them()
    {
        using var dir = RepoPaths.CreateTempDirectory("log-forging");
        var worker = HostProcess.WriteWorker(dir.Path, kafka);
        await using var host = HostProcess.Standalone(dir.Path, worker);
        using var http = await ConnectAsync(host);
        const string Forged = "[12:34:56 INF] forged by a client";

        // A name refused for its control characters: the refusal quotes it in the log.
        var evil = Source(dir, "evil");
        evil.Remove("name");
        var refused = await http.PostAsJsonAsync("/connectors", new JsonObject { ["name"] = "evil\n" + Forged + "\0\r\u2028end", ["config"] = evil });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // A sink writing into a directory that does not exist fails: its failure quotes the path, in the line and in the exception.
        var sink = KafkaFixture.UniqueName("forging-sink");
        var sinkConfig = new JsonObject { ["connector.class"] = "FileStreamSink", ["topics"] = sink, ["file"] = "/nonexistent\n" + Forged + "/out.txt" };
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/connectors", new JsonObject { ["name"] = sink, ["config"] = sinkConfig })).StatusCode);

        await host.WaitForOutputAsync(l => l.Contains("evil\\n[12:34:56 INF] forged by a client\\u0000\\r\\u2028end", StringComparison.Ordinal), Wait);
        await host.WaitForOutputAsync(l => l.Contains("/nonexistent\\n[12:34:56 INF] forged by a client/out.txt", StringComparison.Ordinal) && l.Contains("ERR]", StringComparison.Ordinal), Wait);
        Assert.Equal(0, await host.StopGracefullyAsync(Wait));

        Assert.DoesNotContain(host.Lines, l => l.StartsWith(Forged, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Lines, l => l.Contains('\0', StringComparison.Ordinal) || l.Contains('\r', StringComparison.Ordinal) || l.Contains('\u2028', StringComparison.Ordinal));
    }

    private static JsonObject Source(TempDirectory dir, string name) => new()
    {
        ["name"] = name,
        ["connector.class"] = "FileStreamSource",
        ["file"] = dir.Combine(Guid.NewGuid().ToString("N") + ".txt"),
        ["topic"] = "hostile-" + Guid.NewGuid().ToString("N")[..8],
    };

    private static async Task<HttpClient> ConnectAsync(ProcessRunner host)
    {
        var line = await host.WaitForOutputAsync("REST API listening on", Wait);
        var port = AdvertisedPort().Match(line).Groups[1].Value;
        // Requests before the worker is attached get 503.
        await host.WaitForOutputAsync("ActorConnect standalone worker", Wait);
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    [GeneratedRegex(@"advertised as http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex AdvertisedPort();
}
