using ActorConnect.Runtime.Tasks;
using ActorConnect.TestSupport;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// The rebalance callbacks' wait on the sink task. A stopping task handles its Stop before the callback's message and
/// waits for the consumer to stop; the consumer thread, inside the callback, waited for the task: both stood still
/// until the ask's five-minute timeout, and so did the worker's shutdown (seen as a 60 s stop timeout in a test).
/// </summary>
public sealed class SinkPartitionListenerSpecs() : Akka.TestKit.Xunit2.TestKit(PatientTestKit.Config)
{
    private static readonly IReadOnlyList<TopicPartition> Partitions = [new("topic", 0), new("topic", 1)];
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_callback_hands_over_the_tasks_answer()
    {
        var task = CreateTestProbe();
        var listener = new SinkPartitionListener(task.Ref, Hang);
        var answer = new ActorConnect.Kafka.AssignmentStart([new("topic", 0, 42)], [Partitions[1]]);

        var assigned = Task.Run(() => listener.OnAssigned(Partitions));
        Assert.Equal(Partitions, task.ExpectMsg<SinkTaskProtocol.PartitionsAssigned>().Partitions);
        task.Reply(new SinkTaskProtocol.AssignedReply(answer));

        Assert.Same(answer, await assigned);
    }

    [Fact]
    public async Task A_callback_waiting_on_a_task_that_will_not_answer_returns_when_the_listener_closes()
    {
        var task = CreateTestProbe();
        var listener = new SinkPartitionListener(task.Ref, Hang);

        var revoked = Task.Run(() => listener.OnRevoked(Partitions));
        // The callback now waits on the task, which is busy stopping and never answers.
        task.ExpectMsg<SinkTaskProtocol.PartitionsRevoked>();
        listener.Close();

        // Bounded only so that a regression fails instead of hanging the run: the wait is the ask's five minutes.
        Assert.Null(await revoked.WaitAsync(TimeSpan.FromSeconds(60)));

        // Once closed, callbacks answer at once without asking.
        Assert.Null(listener.OnAssigned(Partitions));
        Assert.False(task.HasMessages);
    }
}
