using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>A connector stuck in start() holds up neither the worker's answers nor the other connectors.</summary>
public sealed class BlockedConnectorTests(InMemoryKafka kafka) : IClassFixture<InMemoryKafka>
{
    [Fact]
    public async Task A_connector_blocked_in_start_leaves_the_worker_and_the_others_running()
    {
        var topic = KafkaFixture.UniqueName("blocked");
        await kafka.CreateTopicAsync(topic, 1);
        await using var worker = WorkerHarness.Start(kafka);
        var blocked = new[] { topic + "-blocked-1", topic + "-blocked-2", topic + "-blocked-3" };
        try
        {
            // More blocked connectors than cores: with a shared pool they would take every thread.
            foreach (var name in blocked)
            {
                await worker.Worker.CreateConnectorAsync(new Dictionary<string, string> { ["name"] = name, ["connector.class"] = typeof(BlockingStartConnector).FullName! });
            }

            var healthy = topic + "-healthy";
            await worker.Worker.CreateConnectorAsync(new Dictionary<string, string>
            {
                ["name"] = healthy,
                ["connector.class"] = typeof(SequenceSourceConnector).FullName!,
                ["topic"] = topic,
                ["records"] = "300",
            });
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) == 300, TimeSpan.FromSeconds(60), "the healthy connector delivers");

            var all = await worker.Worker.AskAsync<List<ConnectorStatus>>(WorkerProtocol.GetAllStatus.Instance, TimeSpan.FromSeconds(30));
            Assert.Equal(ConnectState.Running, all.Single(s => s.Name == healthy).State);
            Assert.All(all.Where(s => blocked.Contains(s.Name)), s =>
            {
                Assert.Equal(ConnectState.Unassigned, s.State);
                Assert.Contains("blocked in start()", s.Trace);
            });
            Assert.Equal(4, (await worker.Worker.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance)).Count);
        }
        finally
        {
            foreach (var name in blocked)
            {
                BlockingStartConnector.Gates.GetOrAdd(name, _ => new ManualResetEventSlim()).Set();
            }
        }
    }
}
