using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// What every shipped form of the command (the installed .NET tool, the single-file binary) must do, run as a user
/// runs it: print its version, validate the sample files, and run the file demo (source and sink), answering REST while it does.
/// </summary>
internal static partial class ShippedCommand
{
    /// <summary>The version the tests' own build of the host carries: a shipped command built from the same tree says the same.</summary>
    public static string ExpectedVersion => typeof(HostRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    public static async Task<(int ExitCode, string Output)> RunAsync(string command, string workDir, params string[] arguments)
    {
        await using var process = ProcessRunner.Start(command, arguments, workingDirectory: workDir, name: "actorconnect");
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, process.Output);
    }

    public static async Task AssertVersionAsync(string command)
    {
        using var dir = RepoPaths.CreateTempDirectory("shipped-version");
        var (exitCode, output) = await RunAsync(command, dir.Path, "--version");
        Assert.True(exitCode == 0, output);
        Assert.Equal(ExpectedVersion, output.Trim());
    }

    public static async Task AssertSampleFilesValidateAsync(string command)
    {
        using var dir = RepoPaths.CreateTempDirectory("shipped-validate");
        var samples = new[] { "worker.properties", "file-source.properties", "file-sink.properties" }.Select(f => Path.Combine(RepoPaths.RepoRoot, "config", f));
        var (exitCode, output) = await RunAsync(command, dir.Path, ["validate", .. samples]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("All files are valid.", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The file demo (Kafka Connect's quickstart): a standalone worker with a file source and a file sink. Its REST API
    /// answers <c>GET /</c> with the command's version, the file's lines reach the topic and then the sink's file, and
    /// Akka's own log comes out in the host's format (hocon/host.conf's loggers), so the connector families and the
    /// hocon/ defaults came with the command.
    /// </summary>
    public static async Task AssertFileDemoAsync(string command, KafkaFixture kafka)
    {
        using var dir = RepoPaths.CreateTempDirectory("shipped-standalone");
        var topic = KafkaFixture.UniqueName("shipped");
        await kafka.CreateTopicAsync(topic, 1);
        var input = dir.Combine("input.txt");
        var output = dir.Combine("output.txt");
        await File.WriteAllLinesAsync(input, ["one", "two", "three"]);
        var worker = HostProcess.WriteWorker(dir.Path, kafka);
        var source = HostProcess.WriteConnector(dir.Path, "source.properties", ("name", topic), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));
        var sink = HostProcess.WriteConnector(dir.Path, "sink.properties", ("name", topic + "-sink"), ("connector.class", "FileStreamSink"), ("file", output), ("topics", topic));

        await using var host = ProcessRunner.Start(command, ["standalone", worker, source, sink], workingDirectory: dir.Path, name: "actorconnect");
        var port = await HostProcess.RestPortAsync(host);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        // The REST server binds before the worker runs (its address is the worker id) and answers 503 until then.
        JsonNode? root = null;
        await Eventually.AssertAsync(async () =>
        {
            using var answer = await http.GetAsync("/");
            root = answer.IsSuccessStatusCode ? JsonNode.Parse(await answer.Content.ReadAsStringAsync()) : null;
            return root is not null;
        }, TimeSpan.FromSeconds(60), "GET / answers once the worker runs");
        Assert.Equal(ExpectedVersion, $"{root!["version"]!.GetValue<string>()}+{root["commit"]!.GetValue<string>()}");

        var records = await kafka.ConsumeAllAsync(topic, 3, TimeSpan.FromSeconds(60));
        Assert.Equal(new[] { "one", "two", "three" }, records.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));
        await Eventually.AssertAsync(() => File.Exists(output) && File.ReadAllLines(output).Length >= 3, TimeSpan.FromSeconds(60), "the sink writes the lines");
        Assert.Equal(["one", "two", "three"], File.ReadAllLines(output));
        // The task actor logs its start through Akka (asynchronously, so it may come after the records): without
        // host.conf that line would be in Akka's own stdout format.
        await host.WaitForOutputAsync(l => HostLogLine().IsMatch(l) && l.Contains($"Task {topic}-0 started", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>A line of the host's log (HostRun.CreateLogging's template), as opposed to Akka's <c>[INFO][date][Thread n]</c>.</summary>
    [GeneratedRegex(@"^\[\d{2}:\d{2}:\d{2} INF\] ")]
    private static partial Regex HostLogLine();
}
