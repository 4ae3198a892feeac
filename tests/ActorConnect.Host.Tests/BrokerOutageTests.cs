using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>
/// The broker stopped under a running file source and sink (a broker of this test's own; issue 15, defects 6 and 7):
/// every task's status and <c>GET /health</c> say that Kafka is unreachable and why while it is down, and clear once
/// it is back; the client's retries are logged once per cause, not tens of times a second; a sink's offsets request
/// answers 503 naming the problem, never 500; and no line is lost.
/// </summary>
public sealed partial class BrokerOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_broker_stopped_mid_stream_shows_in_every_status_and_health_then_clears_and_nothing_is_lost()
    {
        const int before = 5_000, during = 5_000;
        await using var kafka = await PrivateKafka.StartAsync(port: 19792, zkPort: 12881);
        await kafka.CreateTopicAsync("outage", partitions: 1);
        var dir = RepoPaths.NewTempDirectory("outage");
        var input = Path.Combine(dir, "input.txt");
        var sinkFile = Path.Combine(dir, "sink.txt");
        var expected = Enumerable.Range(0, before + during).Select(i => $"line-{i:D6}").ToArray();
        await File.WriteAllLinesAsync(input, expected.Take(before));
        var worker = Path.Combine(dir, "worker.properties");
        await File.WriteAllTextAsync(worker, $"""
            bootstrap.servers={kafka.BootstrapServers}
            {PrivateKafka.WorkerBrokerProperties}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={Path.Combine(dir, "connect.offsets")}
            offset.flush.interval.ms=500
            consumer.session.timeout.ms=10000
            listeners=http://127.0.0.1:0
            """);
        var source = HostProcess.WriteConnector(dir, "source.properties", ("name", "source"), ("connector.class", "FileStreamSource"), ("file", input), ("topic", "outage"));
        var sink = HostProcess.WriteConnector(dir, "sink.properties", ("name", "sink"), ("connector.class", "FileStreamSink"), ("file", sinkFile), ("topics", "outage"));

        await using var host = HostProcess.Standalone(dir, worker, source, sink);
        host.Echo = output.WriteLine;
        var listening = await host.WaitForOutputAsync("REST API listening on", TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port().Match(listening).Groups[1].Value}") };
        await Eventually.AssertAsync(() => HostProcess.ReadLinesShared(sinkFile).Length >= before, TimeSpan.FromMinutes(2), "the first lines reach the sink");
        // ...and their offsets are committed: what the sink writes twice after the outage is then only what was in flight.
        await Eventually.AssertAsync(async () => Assert.Contains($"\"kafka_offset\":{before}", await http.GetStringAsync("/connectors/sink/offsets"), StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));

        var linesAtStop = host.Lines.Count;
        await kafka.StopBrokerAsync();
        await File.AppendAllLinesAsync(input, expected.Skip(before));
        var offsetsWhileDown = http.GetAsync("/connectors/sink/offsets");

        // While it is down: every task says so, with the client's words, and so does /health.
        foreach (var connector in new[] { "source", "sink" })
        {
            await Eventually.AssertAsync(async () =>
            {
                var task = JsonNode.Parse(await http.GetStringAsync($"/connectors/{connector}/status"))!["tasks"]![0]!;
                Assert.Equal("RUNNING", task["state"]!.GetValue<string>());
                Assert.Contains("unreachable", task["last_error"]?.GetValue<string>() ?? "<none>", StringComparison.Ordinal);
                Assert.Contains(kafka.BootstrapServers, task["last_error"]!.GetValue<string>(), StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30));
        }

        using (var health = await http.GetAsync("/health"))
        {
            var body = await health.Content.ReadAsStringAsync();
            Assert.True(health.StatusCode == HttpStatusCode.InternalServerError, body);
            Assert.Contains("unhealthy", body, StringComparison.Ordinal);
            Assert.Contains("cannot reach Kafka", body, StringComparison.Ordinal);
        }

        using (var offsets = await offsetsWhileDown)
        {
            var body = await offsets.Content.ReadAsStringAsync();
            Assert.True(offsets.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)offsets.StatusCode} {body}");
            Assert.Contains("connect-sink", body, StringComparison.Ordinal);
        }

        var linesDuringOutage = host.Lines.Skip(linesAtStop).ToList();
        await kafka.StartBrokerAsync();

        // Back: the statuses and /health clear, and every line arrives.
        foreach (var connector in new[] { "source", "sink" })
        {
            await Eventually.AssertAsync(async () =>
            {
                var task = JsonNode.Parse(await http.GetStringAsync($"/connectors/{connector}/status"))!["tasks"]![0]!;
                Assert.Equal("RUNNING", task["state"]!.GetValue<string>());
                Assert.Null(task["last_error"]);
            }, TimeSpan.FromSeconds(60));
        }

        await Eventually.AssertAsync(async () =>
        {
            using var health = await http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }, TimeSpan.FromSeconds(30));
        await Eventually.AssertAsync(() => HostProcess.ReadLinesShared(sinkFile).Distinct().Count() >= expected.Length, TimeSpan.FromMinutes(2),
            "every line reaches the sink after the outage");
        using (var offsets = await http.GetAsync("/connectors/sink/offsets"))
        {
            Assert.Equal(HttpStatusCode.OK, offsets.StatusCode);
        }

        Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        var written = HostProcess.ReadLinesShared(sinkFile);
        Assert.Empty(expected.Except(written));
        Assert.All(written, l => Assert.Contains(l, expected));
        var duplicates = written.Length - written.Distinct().Count();
        output.WriteLine($"duplicates after a broker outage: {duplicates} of {expected.Length} lines");

        // The clients retried every 100 ms or so while the broker was down; each cause is logged once per 30 s.
        var clientLines = linesDuringOutage.Where(l => l.Contains("librdkafka", StringComparison.Ordinal) || l.Contains("Kafka consumer error", StringComparison.Ordinal) ||
                                                       l.Contains("Kafka producer error", StringComparison.Ordinal)).ToList();
        output.WriteLine($"{clientLines.Count} client lines while the broker was down:\n{string.Join('\n', clientLines)}");
        Assert.InRange(clientLines.Count, 0, 40);
        Assert.Single(linesDuringOutage, l => l.Contains("has been unreachable since", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"http://[^:]+:(\d+)/")]
    private static partial Regex Port();
}
