using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.Rest.Tests.TestConnectors;
using ActorConnect.TestSupport;
using static ActorConnect.Rest.Tests.ConnectorsEndpointsTests;

namespace ActorConnect.Rest.Tests;

/// <summary>A worker that leaves a task FAILED at its first failure, so a test controls when it fails.</summary>
public sealed class FailingTasksWorker : RestWorkerFixture
{
    protected override string Hocon => "actorconnect.task-restart.max-failures = 0";
}

/// <summary>Status, task and restart endpoints (KIP-745), with a connector whose tasks fail on demand.</summary>
[Collection("kafka")]
public sealed class StatusAndRestartTests(KafkaFixture kafka, FailingTasksWorker fixture) : RestTestBase<FailingTasksWorker>(kafka, fixture), IClassFixture<FailingTasksWorker>
{
    private async Task<(string Name, string Markers)> CreateAsync(int tasks)
    {
        var name = Unique("on-demand");
        var markers = Path.Combine(Rest.Dir, name);
        Directory.CreateDirectory(markers);
        await Rest.CreateAsync(name, new JsonObject
        {
            ["connector.class"] = typeof(FailOnDemandSourceConnector).FullName,
            ["tasks.max"] = tasks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["marker.dir"] = markers,
            ["topic"] = Unique("unused"),
        });
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [" + string.Join(",", Enumerable.Repeat("RUNNING", tasks)) + "]");
        return (name, markers);
    }

    [Fact]
    public async Task Status_has_Kafka_Connects_shape_plus_restart_count()
    {
        var (name, _) = await CreateAsync(2);
        var status = (await Rest.GetAsync($"/connectors/{name}/status")).Json!.AsObject();

        Assert.Equal(["name", "connector", "tasks", "type"], status.Select(p => p.Key));
        Assert.Equal("source", status["type"]!.GetValue<string>());
        Assert.Equal(["state", "worker_id"], status["connector"]!.AsObject().Select(p => p.Key));
        var tasks = status["tasks"]!.AsArray();
        Assert.Equal([0, 1], tasks.Select(t => t!["id"]!.GetValue<int>()));
        foreach (var task in tasks)
        {
            // No trace while healthy: Kafka Connect leaves it out, and so do the additive fields until set.
            Assert.Equal(["id", "state", "worker_id", "restart_count"], task!.AsObject().Select(p => p.Key));
            Assert.Equal(Rest.Rest.WorkerId, task["worker_id"]!.GetValue<string>());
        }

        var task1 = await Rest.GetAsync($"/connectors/{name}/tasks/1/status");
        Assert.Equal(HttpStatusCode.OK, task1.Status);
        Assert.Equal(1, task1.Json!["id"]!.GetValue<int>());
        Assert.Equal("RUNNING", task1.Json!["state"]!.GetValue<string>());

        AssertError(await Rest.GetAsync($"/connectors/{name}/tasks/7/status"), HttpStatusCode.NotFound, "7");
        AssertError(await Rest.GetAsync($"/connectors/{name}/tasks/x/status"), HttpStatusCode.NotFound, "x");
        AssertError(await Rest.GetAsync("/connectors/nobody/tasks/0/status"), HttpStatusCode.NotFound, "nobody");
    }

    [Fact]
    public async Task Tasks_lists_ids_and_configs()
    {
        var (name, markers) = await CreateAsync(2);
        var tasks = await Rest.GetAsync($"/connectors/{name}/tasks");
        Assert.Equal(HttpStatusCode.OK, tasks.Status);
        var list = tasks.Json!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.Equal(["id", "config"], list[0]!.AsObject().Select(p => p.Key));
        Assert.Equal($$"""{"connector":"{{name}}","task":1}""", list[1]!["id"]!.ToJsonString());
        Assert.Equal(markers, list[1]!["config"]!["marker.dir"]!.GetValue<string>());
        AssertError(await Rest.GetAsync("/connectors/nobody/tasks"), HttpStatusCode.NotFound, "nobody");
    }

    [Fact]
    public async Task Failed_task_shows_trace_and_in_the_connector_entry()
    {
        var (name, markers) = await CreateAsync(2);
        await File.WriteAllTextAsync(Path.Combine(markers, "fail-1"), "");
        // FAILED shows as soon as the task reports its failure; last_failure once the supervisor has recorded it.
        var status = await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING,FAILED]" && s["tasks"]![1]!["last_failure"] is not null);

        var connector = status["connector"]!;
        Assert.Equal("[1]", connector["failed_tasks"]!.ToJsonString());
        Assert.Contains("Marker fail-1 exists", connector["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var failed = status["tasks"]![1]!;
        Assert.Contains("Marker fail-1 exists", failed["trace"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(failed["last_failure"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
        Assert.Null(status["tasks"]![0]!["trace"]);
    }

    [Fact]
    public async Task Restart_includeTasks_onlyFailed_restarts_only_the_failed_task()
    {
        var (name, markers) = await CreateAsync(2);
        var marker = Path.Combine(markers, "fail-1");
        await File.WriteAllTextAsync(marker, "");
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING,FAILED]");
        var task0Starts = FailOnDemandSourceConnector.StartsOf(name, 0);
        var task1Starts = FailOnDemandSourceConnector.StartsOf(name, 1);
        File.Delete(marker);

        var reply = await Rest.PostAsync($"/connectors/{name}/restart?includeTasks=true&onlyFailed=true");
        Assert.True(reply.Status == HttpStatusCode.Accepted, reply.ToString());
        // The plan: only what will restart shows RESTARTING; the healthy connector and task 0 keep their state.
        Assert.Equal("RUNNING [RUNNING,RESTARTING]", RestWorker.States(reply.Json!));

        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING,RUNNING]");
        Assert.Equal(task1Starts + 1, FailOnDemandSourceConnector.StartsOf(name, 1));
        Assert.Equal(task0Starts, FailOnDemandSourceConnector.StartsOf(name, 0));
    }

    [Fact]
    public async Task Restart_connector_only_is_204_and_unknown_query_values_are_400()
    {
        var (name, _) = await CreateAsync(1);
        var plain = await Rest.PostAsync($"/connectors/{name}/restart");
        Assert.True(plain.Status == HttpStatusCode.NoContent, plain.ToString());

        var all = await Rest.PostAsync($"/connectors/{name}/restart?includeTasks=true");
        Assert.True(all.Status == HttpStatusCode.Accepted, all.ToString());
        Assert.Equal("RESTARTING [RESTARTING]", RestWorker.States(all.Json!));
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");

        AssertError(await Rest.PostAsync($"/connectors/{name}/restart?includeTasks=maybe"), HttpStatusCode.BadRequest, "includeTasks");
        AssertError(await Rest.PostAsync($"/connectors/{name}/restart?onlyFailed=1"), HttpStatusCode.BadRequest, "onlyFailed");
        AssertError(await Rest.PostAsync("/connectors/nobody/restart"), HttpStatusCode.NotFound, "nobody");
    }

    [Fact]
    public async Task Task_restart_is_204_and_brings_a_failed_task_back()
    {
        var (name, markers) = await CreateAsync(1);
        var marker = Path.Combine(markers, "fail-0");
        await File.WriteAllTextAsync(marker, "");
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [FAILED]");
        File.Delete(marker);

        var reply = await Rest.PostAsync($"/connectors/{name}/tasks/0/restart");
        Assert.True(reply.Status == HttpStatusCode.NoContent, reply.ToString());
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        AssertError(await Rest.PostAsync($"/connectors/{name}/tasks/3/restart"), HttpStatusCode.NotFound, "3");
    }

    [Fact]
    public async Task Pause_resume_stop_codes_and_404()
    {
        var (name, _) = await CreateAsync(1);
        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/pause")).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/pause")).Status);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "PAUSED [PAUSED]");
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.PutAsync($"/connectors/{name}/stop")).Status);
        await Rest.WaitForStatusAsync(name, s => s["connector"]!["state"]!.GetValue<string>() == "STOPPED");
        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/resume")).Status);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");

        foreach (var verb in new[] { "pause", "resume", "stop" })
        {
            AssertError(await Rest.PutAsync($"/connectors/nobody/{verb}"), HttpStatusCode.NotFound, "nobody");
        }
    }
}
