using ActorConnect.TestKit;

namespace SampleConnector.Tests;

/// <summary>How a connector author tests with ActorConnect.TestKit: the task alone, then the connector in the runtime.</summary>
public sealed class HeartbeatSourceTests
{
    private static readonly Dictionary<string, string> Config = new()
    {
        ["name"] = "heartbeat",
        [HeartbeatSourceConnector.TopicConfig] = "beats",
        [HeartbeatSourceConnector.IntervalConfig] = "10",
    };

    [Fact]
    public void The_task_goes_on_from_the_beat_after_its_stored_offset()
    {
        var offsets = new InMemoryOffsetStore().With("heartbeat",
            new Dictionary<string, object?> { ["heartbeat"] = "heartbeat" }, new Dictionary<string, object?> { [HeartbeatSourceTask.BeatField] = 4 });
        var task = new HeartbeatSourceTask();
        task.Initialize(new InMemorySourceTaskContext(Config, offsets));
        task.Start(Config);

        var records = task.Poll()!;
        task.Stop();

        RecordAssert.ValuesEqual(records, "beat 5");
    }

    [Fact]
    public async Task The_connector_writes_its_beats_to_kafka_through_the_runtime()
    {
        await using var h = await ConnectorHarness.StartAsync<HeartbeatSourceConnector>(
            new Dictionary<string, string>(Config) { [HeartbeatSourceConnector.BeatsConfig] = "3" }, new ConnectorHarnessOptions { Topics = ["beats"] });

        RecordAssert.ValuesEqual(await h.WaitForRecordsAsync("beats", 3), "beat 0", "beat 1", "beat 2");
        await h.WaitUntilAsync(async () => (await h.OffsetsAsync()).Any(o => Equals(o.Offset?[HeartbeatSourceTask.BeatField], 2L)), "beat 2's offset committed");
    }

    [Fact]
    public async Task A_restarted_task_writes_no_beat_twice()
    {
        await using var h = await ConnectorHarness.StartAsync<HeartbeatSourceConnector>(Config, new ConnectorHarnessOptions { Topics = ["beats"] });
        var before = (await h.WaitForRecordsAsync("beats", 3)).Count;

        await h.RestartTaskAsync(0);
        await h.WaitForRunningAsync();

        var after = await h.WaitForRecordsAsync("beats", before + 3);
        var expected = Enumerable.Range(0, after.Count).Select(i => $"beat {i}").ToArray();
        RecordAssert.ValuesEqual(after, expected);
    }
}
