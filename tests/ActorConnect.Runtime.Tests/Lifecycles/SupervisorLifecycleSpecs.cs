using System.Collections.Concurrent;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Runtime.Clients;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.States;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using static ActorConnect.Runtime.Connectors.ConnectorSupervisor;
using TaskPhase = ActorConnect.Runtime.Connectors.TaskSupervisor.Phase;

namespace ActorConnect.Runtime.Tests.Lifecycles;

/// <summary>
/// The connector and task supervisors' lifecycles enforce themselves, without a broker: every legal move is allowed,
/// an illegal move or message is logged as an error naming the states and refused. The connector supervisor is driven
/// through its states for real (it runs only its connector here, as in distributed mode).
/// </summary>
public sealed class SupervisorLifecycleSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly string _dir = RepoPaths.NewTempDirectory("lifecycles");

    public SupervisorLifecycleSpecs()
        : base(PatientTestKit.Over(RuntimeSettings.DefaultConfig()))
    {
    }

    public static TheoryData<Phase, Phase> ConnectorMoves => Pairs(
        (Phase.Stopped, [Phase.Running, Phase.Failed, Phase.ShuttingDown]),
        (Phase.Running, [Phase.Failed, Phase.Reconfiguring, Phase.Stopping, Phase.ShuttingDown]),
        (Phase.Failed, [Phase.Running, Phase.Stopping, Phase.ShuttingDown]),
        (Phase.Reconfiguring, [Phase.Running, Phase.Failed, Phase.Stopping, Phase.ShuttingDown]),
        (Phase.Stopping, [Phase.Stopped, Phase.ShuttingDown]));

    public static TheoryData<Phase, Phase> IllegalConnectorMoves => Pairs(
        (Phase.Stopped, [Phase.Stopping, Phase.Reconfiguring]), (Phase.Running, [Phase.Stopped]), (Phase.Failed, [Phase.Stopped, Phase.Reconfiguring]),
        (Phase.Reconfiguring, [Phase.Stopped]), (Phase.Stopping, [Phase.Running, Phase.Failed]), (Phase.ShuttingDown, [Phase.Running, Phase.Stopped]));

    public static TheoryData<TaskPhase, TaskPhase> TaskMoves => Pairs(
        (TaskPhase.Running, [TaskPhase.Replacing, TaskPhase.BackingOff, TaskPhase.Down, TaskPhase.Stopping]),
        (TaskPhase.Replacing, [TaskPhase.Running, TaskPhase.Stopping]),
        (TaskPhase.BackingOff, [TaskPhase.Running, TaskPhase.Stopped]),
        (TaskPhase.Down, [TaskPhase.Running, TaskPhase.Stopped]),
        (TaskPhase.Stopping, [TaskPhase.Stopped]));

    public static TheoryData<TaskPhase, TaskPhase> IllegalTaskMoves => new()
    {
        { TaskPhase.Running, TaskPhase.Stopped },
        { TaskPhase.Replacing, TaskPhase.BackingOff },
        { TaskPhase.BackingOff, TaskPhase.Stopping },
        { TaskPhase.Down, TaskPhase.Replacing },
        { TaskPhase.Stopping, TaskPhase.Running },
        { TaskPhase.Stopped, TaskPhase.Running },
    };

    /// <summary>Per state, a message the task supervisor refuses there (only a running task fails; only a backoff's timer fires).</summary>
    public static TheoryData<TaskPhase, string> IllegalTaskMessages => new()
    {
        { TaskPhase.Running, nameof(TaskSupervisorProtocol.RestartAfterBackoff) },
        { TaskPhase.Replacing, nameof(TaskSupervisorProtocol.RestartAfterBackoff) },
        { TaskPhase.BackingOff, nameof(TaskSupervisorProtocol.TaskFailure) },
        { TaskPhase.Down, nameof(TaskSupervisorProtocol.TaskFailure) },
        { TaskPhase.Stopping, nameof(TaskSupervisorProtocol.RestartAfterBackoff) },
        { TaskPhase.Stopped, nameof(Terminated) },
    };

    [Theory]
    [MemberData(nameof(ConnectorMoves))]
    public void Every_legal_move_of_the_connector_supervisor_is_allowed(Phase from, Phase to)
    {
        var life = new Lifecycle<Phase>(Rules, from, Sys.Log, () => "Connector c");
        Assert.True(life.MoveTo(to));
        Assert.Equal(to, life.State);
    }

    [Theory]
    [MemberData(nameof(IllegalConnectorMoves))]
    public void An_illegal_move_of_the_connector_supervisor_is_logged_naming_both_states_and_refused(Phase from, Phase to)
    {
        var life = new Lifecycle<Phase>(Rules, from, Sys.Log, () => "Connector c");
        EventFilter.Error(contains: $"Connector c: illegal transition {from} -> {to} refused").ExpectOne(() => Assert.False(life.MoveTo(to)));
        Assert.Equal(from, life.State);
    }

    [Theory]
    [MemberData(nameof(TaskMoves))]
    public void Every_legal_move_of_the_task_supervisor_is_allowed(TaskPhase from, TaskPhase to)
    {
        var life = new Lifecycle<TaskPhase>(TaskSupervisor.Rules, from, Sys.Log, () => "Task c-0");
        Assert.True(life.MoveTo(to));
        Assert.Equal(to, life.State);
    }

    [Theory]
    [MemberData(nameof(IllegalTaskMoves))]
    public void An_illegal_move_of_the_task_supervisor_is_logged_naming_both_states_and_refused(TaskPhase from, TaskPhase to)
    {
        var life = new Lifecycle<TaskPhase>(TaskSupervisor.Rules, from, Sys.Log, () => "Task c-0");
        EventFilter.Error(contains: $"Task c-0: illegal transition {from} -> {to} refused").ExpectOne(() => Assert.False(life.MoveTo(to)));
        Assert.Equal(from, life.State);
    }

    [Theory]
    [MemberData(nameof(IllegalTaskMessages))]
    public void Each_state_of_the_task_supervisor_refuses_a_message_it_cannot_get(TaskPhase state, string message)
    {
        object m = message switch
        {
            nameof(TaskSupervisorProtocol.RestartAfterBackoff) => new TaskSupervisorProtocol.RestartAfterBackoff(1),
            nameof(TaskSupervisorProtocol.TaskFailure) => new TaskSupervisorProtocol.TaskFailure(new InvalidOperationException("boom")),
            _ => new Terminated(TestActor, true, false),
        };
        var life = new Lifecycle<TaskPhase>(TaskSupervisor.Rules, state, Sys.Log, () => "Task c-0");
        EventFilter.Error(contains: $"Task c-0: {message} is illegal in state {state} and is refused").ExpectOne(() => Assert.False(life.Admits(m)));
    }

    [Fact]
    public void A_task_supervisor_state_accepts_what_may_arrive_there()
    {
        var rules = TaskSupervisor.Rules;
        Assert.True(rules.Accepts(TaskPhase.BackingOff, new TaskSupervisorProtocol.RestartAfterBackoff(1)));
        Assert.True(rules.Accepts(TaskPhase.Stopping, new TaskSupervisorProtocol.TaskFailure(new InvalidOperationException("boom"))));
        Assert.True(rules.Accepts(TaskPhase.Down, TaskSupervisorProtocol.Stop.Instance));
        Assert.True(rules.Accepts(TaskPhase.Stopping, TaskSupervisorProtocol.GetStatus.Instance));
    }

    [Fact]
    public void A_connector_goes_Running_then_Stopping_Stopped_and_Running_again_as_its_target_changes()
    {
        var (supervisor, parent) = Start("walk");
        AwaitState(supervisor, ConnectState.Running);

        supervisor.Tell(new ConnectorProtocol.SetTargetState(TargetState.Stopped), TestActor);
        ExpectMsg<ConnectorProtocol.TargetStateApplied>(m => m.State == TargetState.Stopped);
        AwaitState(supervisor, ConnectState.Stopped);
        parent.FishForMessage(m => m is ConnectorProtocol.TaskConfigsGenerated { Configs.Count: 0 });

        supervisor.Tell(new ConnectorProtocol.SetTargetState(TargetState.Paused), TestActor);
        ExpectMsg<ConnectorProtocol.TargetStateApplied>(m => m.State == TargetState.Paused);
        AwaitState(supervisor, ConnectState.Paused);
        parent.FishForMessage(m => m is ConnectorProtocol.TaskConfigsGenerated { Configs.Count: 2 });

        Watch(supervisor);
        supervisor.Tell(ConnectorProtocol.Shutdown.Instance);
        ExpectTerminated(supervisor);
    }

    [Fact]
    public void A_connector_whose_start_throws_is_Failed_and_a_restart_brings_it_Running()
    {
        LifecycleConnector.FailuresLeft["flaky"] = 1;
        var (supervisor, _) = Start("flaky");
        var failed = AwaitState(supervisor, ConnectState.Failed);
        Assert.Contains("start failed on purpose", failed.Trace);

        supervisor.Tell(new ConnectorProtocol.Restart(false, false), TestActor);
        ExpectMsg<WorkerProtocol.RestartStarted>();
        AwaitState(supervisor, ConnectState.Running);
    }

    [Fact]
    public void A_stopped_connector_refuses_an_error_raised_after_its_stop_and_stays_STOPPED()
    {
        var (supervisor, _) = Start("late-raise", TargetState.Stopped);
        AwaitState(supervisor, ConnectState.Stopped);

        EventFilter.Error(contains: "Connector late-raise: RaiseError is illegal in state Stopped and is refused")
            .ExpectOne(() => supervisor.Tell(new ConnectorProtocol.RaiseError(new InvalidOperationException("from a thread the connector left behind"))));
        AwaitState(supervisor, ConnectState.Stopped);
    }

    [Fact]
    public void A_message_no_state_understands_is_logged_as_an_error_naming_the_state_not_dropped_silently()
    {
        var (supervisor, _) = Start("stray");
        AwaitState(supervisor, ConnectState.Running);

        EventFilter.Error(contains: "Connector stray: TargetStateApplied is not understood in state Running")
            .ExpectOne(() => supervisor.Tell(new ConnectorProtocol.TargetStateApplied(TargetState.Started)));
    }

    [Fact]
    public void A_failed_connector_logs_a_message_it_does_not_understand_and_can_still_be_stopped()
    {
        LifecycleConnector.FailuresLeft["broken"] = int.MaxValue;
        var (supervisor, _) = Start("broken");
        AwaitState(supervisor, ConnectState.Failed);

        EventFilter.Error(contains: "Connector broken: TargetStateApplied is not understood in state Failed")
            .ExpectOne(() => supervisor.Tell(new ConnectorProtocol.TargetStateApplied(TargetState.Started)));
        supervisor.Tell(new ConnectorProtocol.SetTargetState(TargetState.Stopped), TestActor);
        ExpectMsg<ConnectorProtocol.TargetStateApplied>(m => m.State == TargetState.Stopped);
        AwaitState(supervisor, ConnectState.Stopped);
    }

    private static TheoryData<T, T> Pairs<T>(params (T From, T[] To)[] moves)
    {
        var data = new TheoryData<T, T>();
        foreach (var (from, targets) in moves)
        {
            foreach (var to in targets)
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    private (IActorRef Supervisor, Akka.TestKit.TestProbe Parent) Start(string name, TargetState target = TargetState.Started)
    {
        var config = WorkerConfig.ParseStandalone(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = "127.0.0.1:1",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.storage.file.filename"] = Path.Combine(_dir, "offsets"),
        });
        var services = new TaskServices(
            "spec-worker",
            config,
            RuntimeSettings.Create(Sys),
            new FileOffsetBackingStore(Path.Combine(_dir, "offsets")),
            new BrokerFeaturesCache(config.BootstrapServersValue),
            PluginRegistry.CreateDefault([], typeof(SupervisorLifecycleSpecs).Assembly));
        var plugin = services.Plugins.TryResolve(typeof(LifecycleConnector).FullName!)!;
        var connectorConfig = new Dictionary<string, string> { ["name"] = name, ["connector.class"] = typeof(LifecycleConnector).FullName! };
        var parent = CreateTestProbe();
        var supervisor = parent.ChildActorOf(ConnectorSupervisor.Props(name, connectorConfig, plugin, services, 2, target, localTasks: false));
        return (supervisor, parent);
    }

    private ConnectorStatus AwaitState(IActorRef supervisor, ConnectState state)
    {
        ConnectorStatus? status = null;
        AwaitAssert(() =>
        {
            status = supervisor.Ask<ConnectorStatus>(ConnectorProtocol.GetStatus.Instance, TimeSpan.FromSeconds(3)).Result;
            Assert.Equal(state, status.State);
        }, TimeSpan.FromSeconds(30));
        return status!;
    }
}

/// <summary>A source connector for lifecycle specs: two task configs; its start throws while failures are left for its name.</summary>
public sealed class LifecycleConnector : SourceConnector
{
    public static readonly ConcurrentDictionary<string, int> FailuresLeft = new();

    public override string Version => "test";

    public override Type TaskType => typeof(SequenceSourceTask);

    public override ConfigDef Config() => new();

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        var name = props["name"];
        if (FailuresLeft.TryGetValue(name, out var left) && left > 0)
        {
            FailuresLeft[name] = left - 1;
            throw new InvalidOperationException($"start failed on purpose ({name})");
        }
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        [new Dictionary<string, string> { ["n"] = "0" }, new Dictionary<string, string> { ["n"] = "1" }];

    public override void Stop()
    {
    }
}
