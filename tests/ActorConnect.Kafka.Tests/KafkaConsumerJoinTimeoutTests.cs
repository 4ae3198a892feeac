using System.Net;
using System.Net.Sockets;
using ActorConnect.TestSupport;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

/// <summary>
/// <see cref="ConsumerSettings.JoinTimeout"/>: a consumer whose client never gets an assignment fails its stream so a new
/// client can be built (issue 15, defect 5), while a member that joined with nothing to take is left alone.
/// </summary>
[Collection("kafka")]
public sealed class KafkaConsumerJoinTimeoutTests(KafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTestBase(kafka, output)
{
    [Fact]
    public async Task A_consumer_that_never_gets_an_assignment_fails_with_the_group_named_after_the_join_timeout()
    {
        // A "broker" that accepts connections and never answers: the client waits for ever, as a stuck one does.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                held.Add(await silent.AcceptTcpClientAsync());
            }
        });
        var group = KafkaFixture.UniqueName("group-stuck");
        var settings = new ConsumerSettings($"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", group)
            .WithBrokerFeatures(BrokerFeatures.Legacy)
            .WithDispatcher(ConsumerDispatcher)
            .WithJoinTimeout(TimeSpan.FromSeconds(2));

        var (control, probe) = KafkaConsumerSource.Create(settings, Subscription.ForTopics("stuck"), null)
            .ToMaterialized(this.SinkProbe<ConsumedRecord>(), Keep.Both)
            .Run(Materializer);
        probe.Request(1);

        var stuck = await Assert.ThrowsAsync<ConsumerGroupJoinTimeoutException>(() => control.IsShutdown.WaitAsync(Patience));
        Assert.Equal(group, stuck.GroupId);
        Assert.Contains(group, stuck.Message, StringComparison.Ordinal);
        Assert.IsType<ConsumerGroupJoinTimeoutException>(probe.ExpectError()); // the stream fails with it too
        held.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_member_with_no_partition_to_take_has_joined_and_keeps_running_past_the_join_timeout()
    {
        var topic = await CreateTopicWithRecordsAsync("join-empty", 10, partitions: 1);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-join-empty")).WithJoinTimeout(TimeSpan.FromSeconds(2));

        var (first, firstProbe) = Consume(settings, topic);
        firstProbe.Request(10);
        firstProbe.ExpectNextN(10, Patience);
        var (second, secondProbe) = Consume(settings, topic);
        secondProbe.Request(1);

        // Both went through the rebalance the second one's join caused: the one left without a partition got an empty
        // assignment, which counts as joined.
        await WaitUntilAsync(() => second.AssignmentGeneration >= 1 && first.AssignmentGeneration >= 2, "both members are assigned");
        Assert.Equal(1, first.Assignment.Count + second.Assignment.Count);
        // Past the join timeout (the rebalance itself took longer), neither stream has failed.
        Assert.False(first.IsShutdown.IsCompleted);
        Assert.False(second.IsShutdown.IsCompleted);
        await second.StopAsync().WaitAsync(Patience);
        await first.StopAsync().WaitAsync(Patience);
    }
}
