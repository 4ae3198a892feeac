using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// The supervisor's decisions, observed through the worker actor with the TestKit: restarts with backoff, a task that
/// keeps failing ends FAILED with its root cause, and other connectors keep running throughout. The tasks run on an
/// in-memory Kafka: these are the supervisor's decisions, not the wire's.
/// </summary>
public sealed class TaskSupervisionSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Akka.Configuration.Config TestConfig = ConfigurationFactory
        .ParseString("actorconnect.task-restart { min-backoff = 100ms, max-backoff = 400ms, max-failures = 3, within = 1m }")
        .WithFallback(PatientTestKit.Over(RuntimeSettings.DefaultConfig()));

    private readonly InMemoryKafka _kafka = new();
    private readonly StandaloneWorker _worker;
    private readonly string _dir = RepoPaths.NewTempDirectory("supervision");

    public TaskSupervisionSpecs()
        : base(TestConfig)
    {
        var config = WorkerConfig.ParseStandalone(TestWorkerProps.For(_kafka.BootstrapServers, _kafka.WorkerBrokerSettings(), Path.Combine(_dir, "offsets")));
        _worker = StandaloneWorker.Start(Sys, config, _kafka, "spec-worker", typeof(TaskSupervisionSpecs).Assembly);
    }

    [Fact]
    public async Task A_task_whose_poll_throws_is_restarted_and_runs_again_while_other_connectors_keep_running()
    {
        var flaky = KafkaFixture.UniqueName("flaky");
        var steady = KafkaFixture.UniqueName("steady");
        await _kafka.CreateTopicAsync(flaky, 1);
        await _kafka.CreateTopicAsync(steady, 1);
        TestRegistry.FailuresLeft[flaky] = 2;

        Create(steady, ("records", "1000000000"));
        await AwaitStateAsync(steady, s => s.Tasks.Count == 1 && s.Tasks[0].State == ConnectState.Running);
        Create(flaky);

        // Both failures are observed (the restart count reaches 2), then the task runs.
        var status = await AwaitStateAsync(flaky, s => s.Tasks.Count == 1 && s.Tasks[0].RestartCount == 2 && s.Tasks[0].State == ConnectState.Running);
        Assert.NotNull(status.Tasks[0].LastFailure);

        // The steady connector was never touched: its task is the first incarnation, still running.
        var steadyStatus = await StatusAsync(steady);
        Assert.Equal(ConnectState.Running, steadyStatus.Tasks[0].State);
        Assert.Equal(0, steadyStatus.Tasks[0].RestartCount);
    }

    [Fact]
    public async Task A_task_that_keeps_failing_ends_FAILED_with_its_root_cause_first()
    {
        var name = KafkaFixture.UniqueName("doomed");
        await _kafka.CreateTopicAsync(name, 1);
        TestRegistry.FailuresLeft[name] = int.MaxValue;
        Create(name);

        var status = await AwaitStateAsync(name, s => s.Tasks.Count == 1 && s.Tasks[0].State == ConnectState.Failed && s.Tasks[0].RestartCount == 3);
        var trace = status.Tasks[0].Trace!;
        Assert.StartsWith("System.InvalidOperationException: boom from " + name, trace);
        Assert.True(status.HasFailedTasks);

        // It stays FAILED: no further restart is scheduled.
        _worker.Worker.Tell(new WorkerProtocol.GetConnectorStatus(name));
        var again = ExpectMsg<ConnectorStatus>();
        Assert.Equal(ConnectState.Failed, again.Tasks[0].State);
    }

    [Fact]
    public async Task RequestTaskReconfiguration_with_a_new_task_count_runs_exactly_that_many_tasks_with_the_new_configs()
    {
        var name = KafkaFixture.UniqueName("reconf");
        await _kafka.CreateTopicAsync(name, 1);
        TestRegistry.DesiredTasks[name] = 1;
        Create(name, ("tasks.max", "5"), ("records", "10"));
        await AwaitStateAsync(name, s => s.Tasks.Count == 1 && s.Tasks.All(t => t.State == ConnectState.Running));

        TestRegistry.DesiredTasks[name] = 3;
        TestRegistry.Contexts[name].RequestTaskReconfiguration();

        var status = await AwaitStateAsync(name, s => s.Tasks.Count == 3 && s.Tasks.All(t => t.State == ConnectState.Running));
        Assert.Equal(new[] { 0, 1, 2 }, status.Tasks.Select(t => t.Id));
        _worker.Worker.Tell(new WorkerProtocol.GetConnectorStatus(name));
        ExpectMsg<ConnectorStatus>(s => s.Tasks.Count == 3);
        AwaitAssert(() => Assert.Equal(new[] { "0/3", "1/3", "2/3" }, TestRegistry.StartedTaskConfigs[name].Where(c => c.EndsWith("/3")).OrderBy(c => c)));
    }

    [Fact]
    public void An_unknown_connector_class_is_rejected_with_the_known_names()
    {
        _worker.Worker.Tell(new WorkerProtocol.CreateConnector(new Dictionary<string, string> { ["name"] = "x", ["connector.class"] = "NoSuchConnector" }));
        var failure = ExpectMsg<Akka.Actor.Status.Failure>();
        Assert.Contains("NoSuchConnector", failure.Cause.Message);
        Assert.Contains("org.apache.kafka.connect.file.FileStreamSourceConnector", failure.Cause.Message);
    }

    [Fact]
    public void A_missing_required_key_is_rejected_naming_the_key()
    {
        _worker.Worker.Tell(new WorkerProtocol.CreateConnector(new Dictionary<string, string> { ["name"] = "x", ["connector.class"] = "FileStreamSource" }));
        var failure = ExpectMsg<Akka.Actor.Status.Failure>();
        Assert.Contains("Missing required configuration \"topic\" which has no default value.", failure.Cause.Message);
    }

    protected override void AfterAll()
    {
        _worker.StopAsync().Wait(TimeSpan.FromSeconds(30));
        base.AfterAll();
    }

    private void Create(string name, params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string> { ["name"] = name, ["connector.class"] = nameof(SequenceSourceConnector), ["topic"] = name };
        foreach (var (k, v) in extra)
        {
            config[k] = v;
        }

        _worker.Worker.Tell(new WorkerProtocol.CreateConnector(config));
        ExpectMsg<ConnectorInfo>(c => c.Name == name);
    }

    private Task<ConnectorStatus> StatusAsync(string name) => _worker.StatusAsync(name);

    private async Task<ConnectorStatus> AwaitStateAsync(string name, Func<ConnectorStatus, bool> condition)
    {
        ConnectorStatus? last = null;
        await AwaitConditionAsync(async () =>
        {
            last = await StatusAsync(name);
            return condition(last);
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
        return last!;
    }
}
