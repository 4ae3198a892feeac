using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>
/// A FileStreamSource → topic → FileStreamSink pipeline of one test, run by the real host from a worker.properties
/// and connector files, as a Kafka Connect user runs it; the worker file may be rewritten between runs (a fix).
/// </summary>
internal sealed class FilePipeline
{
    public FilePipeline(string prefix, int lines)
    {
        Dir = RepoPaths.NewTempDirectory(prefix);
        Topic = KafkaFixture.UniqueName(prefix);
        Input = Path.Combine(Dir, "input.txt");
        SinkFile = Path.Combine(Dir, "sink.txt");
        Expected = Enumerable.Range(0, lines).Select(i => $"line-{i:D6}-{new string('t', 60)}").ToArray();
        File.WriteAllLines(Input, Expected);
    }

    public string Dir { get; }

    public string Topic { get; }

    public string Input { get; }

    public string SinkFile { get; }

    public string[] Expected { get; }

    public string Source => Topic + "-source";

    public string Sink => Topic + "-sink";

    /// <summary>Writes the worker file for <paramref name="bootstrapServers"/> with <paramref name="security"/> lines, then starts the host.</summary>
    public async Task<(ProcessRunner Host, HttpClient Http)> StartAsync(string bootstrapServers, string security, ITestOutputHelper output)
    {
        var worker = HostProcess.WriteWorker(Dir, bootstrapServers, PrivateKafka.WorkerBrokerProperties, security, flushMs: "500");
        var source = HostProcess.WriteConnector(Dir, "source.properties", ("name", Source), ("connector.class", "FileStreamSource"), ("file", Input), ("topic", Topic));
        var sink = HostProcess.WriteConnector(Dir, "sink.properties", ("name", Sink), ("connector.class", "FileStreamSink"), ("file", SinkFile), ("topics", Topic));
        var host = HostProcess.Standalone(Dir, worker, source, sink);
        host.Echo = output.WriteLine;
        var port = await HostProcess.RestPortAsync(host);
        return (host, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) });
    }

    /// <summary>
    /// Runs the host with this worker file until every line is in the sink file with both tasks RUNNING cleanly, then
    /// stops it gracefully; finally checks that every line and nothing else was written.
    /// </summary>
    public async Task RunUntilEveryLineAsync(string bootstrapServers, string security, ITestOutputHelper output, string because)
    {
        var (host, http) = await StartAsync(bootstrapServers, security, output);
        await using (host)
        using (http)
        {
            await EveryLineArrivesAsync(because);
            await BothTasksRunCleanAsync(http);
            Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        AssertEveryLineAndNothingElse();
    }

    /// <summary>
    /// Runs the host with this worker file until both tasks show a problem with every one of <paramref name="words"/>
    /// in its reason (see <see cref="BothTasksShowAsync"/>) and nothing reached the sink, then stops it gracefully.
    /// </summary>
    public async Task RunUntilBothTasksShowAsync(string bootstrapServers, string security, ITestOutputHelper output, params string[] words)
    {
        var (host, http) = await StartAsync(bootstrapServers, security, output);
        await using (host)
        using (http)
        {
            output.WriteLine(string.Join('\n', await BothTasksShowAsync(http, words)));
            Assert.Empty(HostProcess.ReadLinesShared(SinkFile));
            Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }
    }

    /// <summary>Waits until every line is in the sink file.</summary>
    public Task EveryLineArrivesAsync(string because) =>
        Eventually.AssertAsync(() => HostProcess.ReadLinesShared(SinkFile).Distinct().Count() >= Expected.Length, TimeSpan.FromMinutes(3), because);

    /// <summary>Every line is in the sink file and nothing else is (a line written twice is allowed: at least once).</summary>
    public void AssertEveryLineAndNothingElse()
    {
        var written = HostProcess.ReadLinesShared(SinkFile);
        Assert.Empty(Expected.Except(written));
        Assert.Empty(written.Except(Expected));
    }

    /// <summary>The source's and the sink's task, each RUNNING with no error: the clients reach the broker.</summary>
    public async Task BothTasksRunCleanAsync(HttpClient rest)
    {
        foreach (var connector in new[] { Source, Sink })
        {
            await Eventually.AssertAsync(async () =>
            {
                var task = await TaskAsync(rest, connector);
                Assert.Equal("RUNNING", task["state"]!.GetValue<string>());
                Assert.Null(task["last_error"]);
            }, TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>
    /// Waits until the source's and the sink's task each show the problem: RUNNING with it as <c>last_error</c>, or
    /// FAILED with it in the trace; every one of <paramref name="words"/> is in that reason, which is returned.
    /// </summary>
    public async Task<IReadOnlyList<string>> BothTasksShowAsync(HttpClient rest, params string[] words)
    {
        var reasons = new List<string>();
        foreach (var connector in new[] { Source, Sink })
        {
            var reason = "";
            await Eventually.AssertAsync(async () =>
            {
                var task = await TaskAsync(rest, connector);
                var state = task["state"]!.GetValue<string>();
                reason = state == "FAILED" ? task["trace"]?.GetValue<string>() ?? "" : task["last_error"]?.GetValue<string>() ?? "";
                Assert.True(state is "RUNNING" or "FAILED", $"{connector}: {state}");
                Assert.All(words, w => Assert.Contains(w, reason, StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(90));
            reasons.Add($"{connector}: {reason}");
        }

        return reasons;
    }

    private static async Task<JsonNode> TaskAsync(HttpClient rest, string connector) =>
        JsonNode.Parse(await rest.GetStringAsync($"/connectors/{connector}/status"))!["tasks"]![0]!;
}
