using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.States;
using ActorConnect.TestSupport;
using Akka.TestKit.Xunit2;

namespace ActorConnect.Cluster.Tests.Lifecycles;

/// <summary>
/// The connector and task entities' lifecycles enforce themselves, without a broker: every legal move is allowed, an
/// illegal move or a message its state cannot get is logged as an error naming the states and refused. (Phases are
/// passed by name: the entities and their phases are internal to the cluster assembly.)
/// </summary>
public sealed class EntityLifecycleSpecs() : TestKit(PatientTestKit.Config)
{
    public static TheoryData<string, string> LegalMoves => new()
    {
        { "Loading", "Ready" }, { "Loading", "Applying" }, { "Loading", "Leaving" }, { "Loading", "HandingOff" },
        { "Ready", "Loading" }, { "Ready", "Applying" }, { "Ready", "HandingOff" },
        { "Applying", "Loading" }, { "Applying", "Ready" }, { "Applying", "HandingOff" },
        { "Leaving", "Passivating" }, { "Leaving", "HandingOff" },
        { "Passivating", "HandingOff" },
    };

    public static TheoryData<string, string> IllegalMoves => new()
    {
        { "Loading", "Passivating" },
        { "Ready", "Leaving" },
        { "Applying", "Passivating" },
        { "Leaving", "Ready" },
        { "Passivating", "Loading" },
        { "HandingOff", "Ready" },
    };

    /// <summary>Per state, a message the task entity refuses there: a load's result outside a load, a status deletion outside leaving.</summary>
    public static TheoryData<string, string> IllegalTaskEntityMessages => new()
    {
        { "Loading", "StatusDeleted" },
        { "Ready", "Loaded" },
        { "Applying", "Loaded" },
        { "Leaving", "Loaded" },
        { "Passivating", "StatusDeleted" },
        { "HandingOff", "StatusDeleted" },
    };

    /// <summary>Per state, a message the connector entity refuses there.</summary>
    public static TheoryData<string, string> IllegalConnectorEntityMessages => new()
    {
        { "Loading", "TargetApplied" },
        { "Ready", "Loaded" },
        { "Applying", "StatusesDeleted" },
        { "Leaving", "TargetApplied" },
        { "Passivating", "TasksRefreshed" },
        { "HandingOff", "StatusesDeleted" },
    };

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void Every_legal_move_of_both_entities_is_allowed(string from, string to)
    {
        foreach (var rules in new[] { TaskEntity.Rules, ConnectorEntity.Rules })
        {
            var life = Life(rules, from, "Task c-0");
            Assert.True(life.MoveTo(Parse(to)));
            Assert.Equal(Parse(to), life.State);
        }
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void An_illegal_move_of_an_entity_is_logged_naming_both_states_and_refused(string from, string to)
    {
        foreach (var rules in new[] { TaskEntity.Rules, ConnectorEntity.Rules })
        {
            var life = Life(rules, from, "Connector c");
            EventFilter.Error(contains: $"Connector c: illegal transition {from} -> {to} refused").ExpectOne(() => Assert.False(life.MoveTo(Parse(to))));
            Assert.Equal(Parse(from), life.State);
        }
    }

    [Theory]
    [MemberData(nameof(IllegalTaskEntityMessages))]
    public void Each_state_of_the_task_entity_refuses_a_message_it_cannot_get(string state, string message)
    {
        var life = Life(TaskEntity.Rules, state, "Task c-0");
        object m = message == "Loaded" ? new TaskEntity.Loaded(null, null, null, 1) : TaskEntity.StatusDeleted.Instance;
        EventFilter.Error(contains: $"Task c-0: {message} is illegal in state {state} and is refused").ExpectOne(() => Assert.False(life.Admits(m)));
    }

    [Theory]
    [MemberData(nameof(IllegalConnectorEntityMessages))]
    public void Each_state_of_the_connector_entity_refuses_a_message_it_cannot_get(string state, string message)
    {
        var life = Life(ConnectorEntity.Rules, state, "Connector c");
        object m = message switch
        {
            "Loaded" => new ConnectorEntityProtocol.Loaded(null, null, null, null, 1),
            "TargetApplied" => new ConnectorEntity.TargetApplied(Runtime.Model.TargetState.Started),
            "TasksRefreshed" => new ConnectorEntity.TasksRefreshed(null),
            _ => ConnectorEntity.StatusesDeleted.Instance,
        };
        EventFilter.Error(contains: $"Connector c: {message} is illegal in state {state} and is refused").ExpectOne(() => Assert.False(life.Admits(m)));
    }

    [Fact]
    public void Each_entity_accepts_its_internal_messages_where_they_arrive()
    {
        Assert.True(TaskEntity.Rules.Accepts(EntityPhase.Loading, new TaskEntity.Loaded(null, null, null, 1)));
        Assert.True(TaskEntity.Rules.Accepts(EntityPhase.HandingOff, new TaskEntity.Loaded(null, null, null, 1)));
        Assert.True(TaskEntity.Rules.Accepts(EntityPhase.Leaving, TaskEntity.StatusDeleted.Instance));
        Assert.True(ConnectorEntity.Rules.Accepts(EntityPhase.Applying, new ConnectorEntity.TargetApplied(Runtime.Model.TargetState.Paused)));
        Assert.True(ConnectorEntity.Rules.Accepts(EntityPhase.Leaving, new ConnectorEntity.TasksRefreshed(ConnectorEntity.AfterTasks.DeleteStatuses)));
        Assert.True(ConnectorEntity.Rules.Accepts(EntityPhase.Leaving, ConnectorEntity.StatusesDeleted.Instance));
        Assert.True(ConnectorEntity.Rules.Accepts(EntityPhase.Ready, TaskEntityProtocol.Refresh.Instance));
    }

    private static EntityPhase Parse(string phase) => Enum.Parse<EntityPhase>(phase);

    private Lifecycle<EntityPhase> Life(LifecycleRules<EntityPhase> rules, string state, string name) =>
        new(rules, Parse(state), Sys.Log, () => name);
}
