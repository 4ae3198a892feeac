using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Chaos;

/// <summary>
/// A sink created while Kafka does not answer (issue 15, defect 5: a sink whose consumer never joined its group stayed
/// RUNNING with no reason until restarted by hand): its status says why, a new consumer replaces the stuck one after the
/// join timeout without counting as a task failure, and records flow once the broker answers.
/// </summary>
[Collection("kafka")]
public sealed class StuckConsumerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_sink_whose_consumer_never_joins_says_why_builds_a_new_one_and_runs_once_the_broker_answers()
    {
        var topic = KafkaFixture.UniqueName("stuck");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        await kafka.ProduceAsync(topic, Enumerable.Range(0, 100).Select(i => ((byte[]?)null, (byte[]?)System.Text.Encoding.UTF8.GetBytes($"line-{i}"))));
        using var proxy = new SilentThenForwardingProxy(kafka.BootstrapServers);
        var extra = kafka.WorkerBrokerSettings().ToDictionary(kv => kv.Key, kv => kv.Value);
        // A group of this test's own: a member left in a shared group (another test's sink named "sink" whose close
        // did not reach the broker) makes a 0.9 broker hold every join for its 30 s session, each consumer replaced
        // mid-join stays behind as one more such member, and no record ever arrived (a CI run under heavy load). The
        // join timeout is short enough to see the stuck consumer replaced within the first wait, and long enough for
        // the first consumer that reaches the broker to finish joining on a starved machine.
        await using var worker = WorkerHarness.Start(proxy.Address, extra: extra, hocon: "actorconnect.sink.group-join-timeout = 10s");
        var output = Path.Combine(worker.Dir, "output.txt");

        var name = KafkaFixture.UniqueName("stuck-sink");
        await worker.CreateAsync(("name", name), ("connector.class", "FileStreamSink"), ("file", output), ("topics", topic));
        var stuck = await worker.WaitForAsync(name, s => s.Tasks.Any(t => t.LastError?.Contains("has had no assignment") == true), TimeSpan.FromSeconds(60));
        var task = stuck.Tasks.Single();
        Assert.Equal(ConnectState.Running, task.State);
        Assert.Equal(0, task.RestartCount);
        Assert.Contains($"connect-{name}", task.LastError, StringComparison.Ordinal);

        proxy.Forward();
        await Eventually.AssertAsync(() => File.Exists(output) && File.ReadAllLines(output).Distinct().Count() == 100, TimeSpan.FromMinutes(2),
            "the sink writes the topic once the broker answers");
        var running = await worker.WaitForAsync(name, s => s.Tasks.Single() is { State: ConnectState.Running, LastError: null }, TimeSpan.FromSeconds(60));
        Assert.Equal(0, running.Tasks.Single().RestartCount);
    }
}
