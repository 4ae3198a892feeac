using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// The actorconnect command serves the REST API on <c>listeners</c>, logs the bound port, stamps each line of a
/// connector or task with its name (the lines of a task's Kafka consumer and producer included), and stops the REST
/// server first on SIGTERM.
/// </summary>
[Collection("kafka")]
public sealed class RestHostTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Standalone_serves_the_REST_API_on_the_logged_port_and_stops_cleanly()
    {
        using var dir = RepoPaths.CreateTempDirectory("rest-host");
        var topic = KafkaFixture.UniqueName("rest-host");
        var input = dir.Combine("input.txt");
        await File.WriteAllLinesAsync(input, ["a", "b"]);
        var worker = HostProcess.WriteWorker(dir.Path, kafka);
        var source = HostProcess.WriteConnector(dir.Path, "source.properties", ("name", topic), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));
        // A sink too: its task's Kafka consumer stage logs in ActorConnect.Kafka, which knows nothing about tasks.
        var sinkName = topic + "-sink";
        var output = dir.Combine("output.txt");
        var sink = HostProcess.WriteConnector(dir.Path, "sink.properties", ("name", sinkName), ("connector.class", "FileStreamSink"), ("file", output), ("topics", topic));

        await using var host = HostProcess.Standalone(dir.Path, worker, source, sink);
        var port = await HostProcess.RestPortAsync(host);
        Assert.NotEqual(0, port);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Eventually.AssertAsync(async () =>
        {
            var status = JsonNode.Parse(await http.GetStringAsync($"/connectors/{topic}/status"))!;
            Assert.Equal("RUNNING", status["tasks"]![0]!["state"]!.GetValue<string>());
            Assert.Equal($"127.0.0.1:{port}", status["connector"]!["worker_id"]!.GetValue<string>());
        }, TimeSpan.FromSeconds(60));
        // Read back by the sink: its consumer has subscribed and been assigned the partition.
        await Eventually.AssertAsync(() => Assert.Equal(new[] { "a", "b" }, HostProcess.ReadLinesShared(output).Order()), TimeSpan.FromSeconds(60));
        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(host.Lines, l => l.Contains("Stopping: REST server first", StringComparison.Ordinal));
        // Every line the task's actors write names the connector and the task, as Kafka Connect's connector.context.
        var taskLines = host.Lines.Where(l => l.Contains($"Task {topic}-0", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(taskLines);
        Assert.All(taskLines, l => Assert.Contains($"[{topic}|task-0] ", l, StringComparison.Ordinal));
        Assert.Contains(host.Lines, l => l.Contains($"[{topic}|worker] Connector {topic} started", StringComparison.Ordinal));
        // So does every line the sink task's Kafka consumer stage writes (subscription, rebalances, stop).
        var consumerLines = host.Lines.Where(l => l.Contains($"Kafka consumer of group connect-{sinkName} ", StringComparison.Ordinal)).ToList();
        Assert.Contains(consumerLines, l => l.Contains(" subscribed to ", StringComparison.Ordinal));
        Assert.Contains(consumerLines, l => l.Contains($" assigned [{topic}-0", StringComparison.Ordinal));
        Assert.All(consumerLines, l => Assert.Contains($"[{sinkName}|task-0] ", l, StringComparison.Ordinal));
        // The source task's producer stage says so too; it has something to say only to a broker older than 0.10.
        Assert.All(host.Lines.Where(l => l.Contains($"stripped before producing (first seen on topic {topic})", StringComparison.Ordinal)),
            l => Assert.Contains($"[{topic}|task-0] ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tracing_to_the_console_shows_poll_spans_of_the_task_with_its_connector_task_and_records()
    {
        using var dir = RepoPaths.CreateTempDirectory("tracing-host");
        var topic = KafkaFixture.UniqueName("tracing-host");
        var input = dir.Combine("input.txt");
        await File.WriteAllLinesAsync(input, ["a", "b", "c"]);
        var worker = HostProcess.WriteWorker(dir.Path, kafka);
        await File.AppendAllTextAsync(worker, "\ntracing.exporter=console\n");
        var source = HostProcess.WriteConnector(dir.Path, "source.properties", ("name", topic), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));

        await using var host = HostProcess.Standalone(dir.Path, worker, source);
        await host.WaitForOutputAsync("Tracing the tasks' poll, put and offset commits with OpenTelemetry (console)", TimeSpan.FromSeconds(60));
        // The console exporter writes each span as a block of lines; the poll that read the file carries 3 records.
        await host.WaitForOutputAsync(l => l.Contains("connect.records: 3", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Contains(host.Lines, l => l.Contains("Activity.DisplayName:", StringComparison.Ordinal) && l.Contains("poll", StringComparison.Ordinal));
        Assert.Contains(host.Lines, l => l.Contains($"connect.connector: {topic}", StringComparison.Ordinal));
        Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
    }
    [Fact]
    public async Task A_REST_port_already_taken_ends_the_host_with_exit_code_2_naming_the_port_and_the_key_to_change()
    {
        using var dir = RepoPaths.CreateTempDirectory("rest-port-taken");
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var worker = HostProcess.WriteWorker(dir.Path, kafka, restPort: port);

        // The worker's ActorSystem starts while the REST server binds: the host must still end, not wait on the system.
        await using var host = HostProcess.Standalone(dir.Path, worker);
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(host.Lines, l => l.Contains($"Cannot start the REST server on http://127.0.0.1:{port}", StringComparison.Ordinal)
                                         && l.Contains("change the worker key 'listeners'", StringComparison.Ordinal));
    }
}
