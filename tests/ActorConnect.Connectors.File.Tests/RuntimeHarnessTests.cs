using ActorConnect.TestKit;

namespace ActorConnect.Connectors.File.Tests;

/// <summary>The file connectors run by the real runtime (ActorConnect.TestKit's harness, on the mock Kafka cluster).</summary>
public sealed class RuntimeHarnessTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task A_file_source_resumes_after_a_worker_restart_at_the_line_after_the_last_one_it_produced()
    {
        var input = _dir.File("in.txt");
        System.IO.File.WriteAllText(input, "one\ntwo\n");
        await using var h = await ConnectorHarness.StartAsync<FileStreamSourceConnector>(
            new Dictionary<string, string> { ["name"] = "tail", ["file"] = input, ["topic"] = "tail" }, new ConnectorHarnessOptions { Topics = ["tail"] });
        RecordAssert.ValuesEqual(await h.WaitForRecordsAsync("tail", 2), "one", "two");

        await h.RestartWorkerAsync();
        Polling.Append(input, "three\n");

        // Exactly three: the restarted task read on from its committed position instead of from the start.
        await h.WaitForRecordsAsync("tail", 3);
        await h.WaitUntilAsync(async () => (await h.OffsetsAsync()).Any(o => Equals(o.Offset?[FileStreamSourceTask.PositionField], 14L)), "the position after \"three\" committed");
        RecordAssert.ValuesEqual(await h.ConsumeAsync("tail"), "one", "two", "three");
    }

    [Fact]
    public async Task A_file_sink_writes_records_of_every_partition_it_is_assigned_and_commits_their_offsets()
    {
        var output = _dir.File("out.txt");
        await using var h = await ConnectorHarness.StartAsync<FileStreamSinkConnector>(new Dictionary<string, string> { ["name"] = "sink", ["file"] = output, ["topics"] = "in" });

        await h.ProduceAsync("in", null, "first");
        await h.ProduceAsync("in", null, "second");

        await h.WaitUntilAsync(async () => (await h.OffsetsAsync()).Any(o => Equals(o.Offset?["kafka_offset"], 2L)), "offset 2 of in-0 committed");
        Assert.Equal("first\nsecond\n", System.IO.File.ReadAllText(output));
    }

    public void Dispose() => _dir.Dispose();
}
