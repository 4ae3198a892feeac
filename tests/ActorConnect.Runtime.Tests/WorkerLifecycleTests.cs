using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// What the REST API relies on, at the worker's own protocol: target states that survive restarts, config updates
/// that restart only that connector, KIP-745 restarts, source offsets read and changed while STOPPED. The tasks run on
/// an in-memory Kafka; sink offsets, which the worker reads from the consumer group on the brokers, are in SinkOffsetsTests.
/// </summary>
public sealed class WorkerLifecycleTests(InMemoryKafka kafka) : IClassFixture<InMemoryKafka>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Connectors_come_back_after_a_restart_in_their_target_state()
    {
        var topic = KafkaFixture.UniqueName("lifecycle");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = WorkerHarness.Start(kafka);
        var running = topic + "-running";
        var paused = topic + "-paused";
        var stopped = topic + "-stopped";
        foreach (var name in new[] { running, paused, stopped })
        {
            await worker.Worker.CreateConnectorAsync(Sequence(name, topic, tasks: 2));
        }

        await worker.Worker.SetTargetStateAsync(paused, TargetState.Paused);
        await worker.Worker.SetTargetStateAsync(stopped, TargetState.Stopped);
        var stoppedStatus = await worker.Worker.StatusAsync(stopped);
        Assert.Equal(ConnectState.Stopped, stoppedStatus.State);
        Assert.Empty(stoppedStatus.Tasks);

        await worker.RestartAsync();

        await worker.WaitForAsync(running, s => s.State == ConnectState.Running && s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Running));
        await worker.WaitForAsync(paused, s => s.State == ConnectState.Paused && s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Paused));
        await worker.WaitForAsync(stopped, s => s.State == ConnectState.Stopped && s.Tasks.Count == 0);
        Assert.Equal(new[] { paused, running, stopped }, await worker.Worker.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance));

        await worker.Worker.SetTargetStateAsync(stopped, TargetState.Started);
        await worker.WaitForAsync(stopped, s => s.State == ConnectState.Running && s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Running));
    }

    [Fact]
    public async Task A_config_update_restarts_only_that_connector_with_the_new_config()
    {
        var topic = KafkaFixture.UniqueName("update");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = WorkerHarness.Start(kafka);
        var changed = topic + "-changed";
        var other = topic + "-other";
        await worker.Worker.CreateConnectorAsync(Sequence(other, topic, tasks: 1));
        await worker.Worker.CreateConnectorAsync(Sequence(changed, topic, tasks: 1));
        await worker.WaitForAsync(changed, s => s.Tasks.Count == 1 && s.Tasks[0].State == ConnectState.Running);
        var otherBefore = await worker.Worker.StatusAsync(other);

        var put = await worker.Worker.PutConnectorConfigAsync(Sequence(changed, topic, tasks: 3));
        Assert.False(put.Created);
        await worker.WaitForAsync(changed, s => s.Tasks.Count == 3 && s.Tasks.All(t => t.State == ConnectState.Running));
        var info = await worker.Worker.AskAsync<ConnectorInfo>(new WorkerProtocol.GetConnectorInfo(changed));
        Assert.Equal("3", info.Config["tasks.max"]);
        Assert.Equal(3, info.Tasks.Count);
        Assert.Equal("source", info.Type);

        var patched = await worker.Worker.AskAsync<ConnectorInfo>(new WorkerProtocol.PatchConnectorConfig(changed, new Dictionary<string, string?> { ["tasks.max"] = "2", ["records"] = null }));
        Assert.False(patched.Config.ContainsKey("records"));
        await worker.WaitForAsync(changed, s => s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Running));

        // The other connector was never restarted: the same tasks, still running, never restarted.
        var otherAfter = await worker.Worker.StatusAsync(other);
        Assert.Equal(otherBefore.Tasks.Select(t => (t.Id, t.RestartCount)), otherAfter.Tasks.Select(t => (t.Id, t.RestartCount)));
        Assert.All(otherAfter.Tasks, t => Assert.Equal(ConnectState.Running, t.State));

        var created = await worker.Worker.PutConnectorConfigAsync(Sequence(topic + "-new", topic, tasks: 1));
        Assert.True(created.Created);
        await Assert.ThrowsAsync<BadRequestException>(() => worker.Worker.AskAsync<WorkerProtocol.ConfigPut>(
            new WorkerProtocol.PutConnectorConfig("another-name", Sequence(topic + "-new", topic, tasks: 1))));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => worker.Worker.CreateConnectorAsync(Sequence(changed, topic, tasks: 1)));
        await Assert.ThrowsAsync<NotFoundException>(() => worker.Worker.AskAsync<ConnectorInfo>(new WorkerProtocol.GetConnectorInfo("nope")));
    }

    [Fact]
    public async Task Restart_with_include_tasks_and_only_failed_restarts_only_the_failed_task()
    {
        var topic = KafkaFixture.UniqueName("restart");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = WorkerHarness.Start(kafka);
        var name = topic + "-src";
        TestRegistry.FailingTasks[$"{name}/1"] = true;
        await worker.Worker.CreateConnectorAsync(Sequence(name, topic, tasks: 3));
        var failed = await worker.WaitForAsync(name, s => s.Tasks.Count == 3 && s.Tasks[1].State == ConnectState.Failed && s.Tasks[1].RestartCount >= 1, TimeSpan.FromMinutes(2));
        Assert.Contains("is told to fail", failed.Tasks[1].Trace!.Split('\n')[0]);
        Assert.True(failed.HasFailedTasks);
        var restartsBefore = failed.Tasks.Select(t => t.RestartCount).ToList();

        TestRegistry.FailingTasks.TryRemove($"{name}/1", out _);
        var started = await worker.Worker.AskAsync<WorkerProtocol.RestartStarted>(new WorkerProtocol.RestartConnector(name, IncludeTasks: true, OnlyFailed: true));
        Assert.NotNull(started.Plan);
        Assert.Equal(ConnectState.Running, started.Plan!.State);
        Assert.Equal(new[] { ConnectState.Running, ConnectState.Restarting, ConnectState.Running }, started.Plan.Tasks.Select(t => t.State));

        var after = await worker.WaitForAsync(name, s => s.Tasks.All(t => t.State == ConnectState.Running));
        Assert.Equal(restartsBefore[0], after.Tasks[0].RestartCount);
        Assert.Equal(restartsBefore[2], after.Tasks[2].RestartCount);
        Assert.Equal(restartsBefore[1] + 1, after.Tasks[1].RestartCount);

        var plain = await worker.Worker.AskAsync<WorkerProtocol.RestartStarted>(new WorkerProtocol.RestartConnector(name));
        Assert.Null(plain.Plan);
        var task = await worker.Worker.AskAsync<ConnectorTaskStatus>(new WorkerProtocol.GetTaskStatus(name, 2));
        Assert.Equal(2, task.Id);
        await Assert.ThrowsAsync<NotFoundException>(() => worker.Worker.AskAsync<ConnectorTaskStatus>(new WorkerProtocol.GetTaskStatus(name, 7)));
    }

    [Fact]
    public async Task Source_offsets_are_read_anytime_and_changed_only_while_stopped()
    {
        var topic = KafkaFixture.UniqueName("src-offsets");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = WorkerHarness.Start(kafka);
        var name = topic + "-src";
        await worker.Worker.CreateConnectorAsync(Sequence(name, topic, tasks: 1, records: 500));
        await Eventually.AssertAsync(async () =>
        {
            var read = await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name));
            return read.Offsets.Count == 1 && Equals(read.Offsets[0].Offset?["seq"], 499L);
        }, Timeout, "the last offset is stored");

        var change = new WorkerProtocol.AlterOffsets(name, [new ConnectorOffset(new Dictionary<string, object?> { ["task"] = 0L }, new Dictionary<string, object?> { ["seq"] = 99L })]);
        var notStopped = await Assert.ThrowsAsync<BadRequestException>(() => worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(change));
        Assert.Contains("STOPPED", notStopped.Message);

        await worker.Worker.SetTargetStateAsync(name, TargetState.Stopped);
        var altered = await worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(change);
        Assert.StartsWith("The Connect framework-managed offsets for this connector have been altered successfully", altered.Message);
        var read = await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name));
        Assert.Equal(99L, read.Offsets.Single().Offset!["seq"]);

        // Resumed, the task starts after offset 99: records 100..499 are produced again, to 900 records in all.
        await worker.Worker.SetTargetStateAsync(name, TargetState.Started);
        await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) == 900, Timeout, "records after the altered offset are produced again");

        await worker.Worker.SetTargetStateAsync(name, TargetState.Stopped);
        var reset = await worker.Worker.AskAsync<WorkerProtocol.OffsetsChanged>(new WorkerProtocol.ResetOffsets(name));
        Assert.Contains("reset successfully", reset.Message);
        Assert.Empty((await worker.Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(name))).Offsets);
    }

    [Fact]
    public async Task A_restart_asked_right_after_a_config_update_is_applied_to_the_connector_with_the_new_config()
    {
        var topic = KafkaFixture.UniqueName("restart-after-put");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = WorkerHarness.Start(kafka);
        var name = topic + "-c";
        await worker.Worker.CreateConnectorAsync(Sequence(name, topic, tasks: 2));
        await worker.WaitForAsync(name, s => s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Running));

        // The PUT answers before the old connector has stopped; the restart must wait for the new one, not fail with 409.
        await worker.Worker.PutConnectorConfigAsync(Sequence(name, topic, tasks: 3));
        var restart = await worker.Worker.AskAsync<WorkerProtocol.RestartStarted>(new WorkerProtocol.RestartConnector(name, IncludeTasks: true));

        Assert.NotNull(restart.Plan);
        await worker.WaitForAsync(name, s => s.Tasks.Count == 3 && s.Tasks.All(t => t.State == ConnectState.Running));
    }

    private static Dictionary<string, string> Sequence(string name, string topic, int tasks, int records = 1000) => new()
    {
        ["name"] = name,
        ["connector.class"] = typeof(SequenceSourceConnector).FullName!,
        ["topic"] = topic,
        ["tasks.max"] = tasks.ToString(),
        ["records"] = records.ToString(),
    };
}
