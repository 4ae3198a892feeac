using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Source;
using ActorConnect.Connectors.File;
using ActorConnect.Runtime.Model;

namespace ActorConnect.TestKit.Tests;

/// <summary>The harness runs real connectors through the real runtime on the mock cluster: records in are records out.</summary>
public sealed class HarnessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("testkit-tests-").FullName;

    [Fact]
    public async Task A_file_source_run_by_the_harness_produces_each_line_of_its_file_and_commits_its_position()
    {
        var input = Path.Combine(_dir, "in.txt");
        await File.WriteAllTextAsync(input, "alpha\nbeta\ngamma\n");

        await using var h = await ConnectorHarness.StartAsync<FileStreamSourceConnector>(new Dictionary<string, string> { ["file"] = input, ["topic"] = "lines" },
            new ConnectorHarnessOptions { Topics = ["lines"] });
        var records = await h.WaitForRecordsAsync("lines", 3);

        RecordAssert.ValuesEqual(records, "alpha", "beta", "gamma");
        Assert.Equal("FileStreamSourceConnector", h.ConnectorName);
        Assert.Equal(ConnectState.Running, (await h.TaskStatusAsync(0)).State);
        await h.WaitUntilAsync(async () => await OffsetOfAsync(h, input) == 17, "the last line's end (17) committed as the file's offset");
    }

    [Fact]
    public async Task A_file_sink_run_by_the_harness_writes_each_record_produced_to_its_topic()
    {
        var output = Path.Combine(_dir, "out.txt");

        await using var h = await ConnectorHarness.StartAsync<FileStreamSinkConnector>(new Dictionary<string, string> { ["file"] = output, ["topics"] = "orders" });
        await h.ProduceAsync("orders", "k1", "one");
        await h.ProduceAsync("orders", "k2", "two");

        await h.WaitUntilAsync(() => File.Exists(output) && Lines(output).Length == 2, "two lines in the sink's file");
        Assert.Equal(["one", "two"], Lines(output));
    }

    [Fact]
    public async Task A_task_that_fails_on_start_fails_StartAsync_with_the_tasks_error_in_the_message()
    {
        var e = await Assert.ThrowsAsync<ConnectAssertionException>(() =>
            ConnectorHarness.StartAsync<BrokenSourceConnector>(new Dictionary<string, string> { ["name"] = "broken" }));

        Assert.Contains("Connector \"broken\" failed instead of running", e.Message);
        Assert.Contains("task 0 FAILED", e.Message);
        Assert.Contains(BrokenSourceTask.Reason, e.Message);
    }

    [Fact]
    public async Task Waiting_for_records_that_never_come_fails_with_what_arrived_and_the_connectors_status()
    {
        var input = Path.Combine(_dir, "in.txt");
        await File.WriteAllTextAsync(input, "only\n");
        await using var h = await ConnectorHarness.StartAsync<FileStreamSourceConnector>(new Dictionary<string, string> { ["file"] = input, ["topic"] = "few" },
            new ConnectorHarnessOptions { Topics = ["few"] });

        var e = await Assert.ThrowsAsync<ConnectAssertionException>(() => h.WaitForRecordsAsync("few", 2, TimeSpan.FromSeconds(3)));

        Assert.Contains("Expected at least 2 records in topic \"few\"", e.Message);
        Assert.Contains("but it holds 1:", e.Message);
        Assert.Contains("few-0@0 key=null value=only", e.Message);
        Assert.Contains("Connector status: FileStreamSourceConnector RUNNING; task 0 RUNNING", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Lines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task<long?> OffsetOfAsync(ConnectorHarness h, string file) =>
        (await h.OffsetsAsync())
            .FirstOrDefault(o => Equals(o.Partition.GetValueOrDefault(FileStreamSourceTask.FilenameField), file))?.Offset?[FileStreamSourceTask.PositionField] as long?;
}

/// <summary>A source whose task cannot start, as a connector with a bad credential would.</summary>
public sealed class BrokenSourceConnector : SourceConnector
{
    public override string Version => "1";

    public override Type TaskType => typeof(BrokenSourceTask);

    public override ConfigDef Config() => new();

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [new Dictionary<string, string>()];

    public override void Stop()
    {
    }
}

public sealed class BrokenSourceTask : SourceTask
{
    public const string Reason = "the source refused the credential";

    public override string Version => "1";

    public override void Start(IReadOnlyDictionary<string, string> props) => throw new InvalidOperationException(Reason);

    public override IReadOnlyList<SourceRecord>? Poll() => null;

    public override void Stop()
    {
    }
}
