using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>A distributed worker's metrics: its own registry, exported when asked, as a standalone worker's.</summary>
[Collection("kafka")]
public sealed class DistributedMetricsTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_distributed_worker_answers_GetMetrics_with_the_series_of_the_tasks_it_runs()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var node = await cluster.StartNodeAsync("node-a:8083");
        var name = KafkaFixture.UniqueName("metrics");
        await node.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, topic, 1)));

        await Eventually.AssertAsync(async () =>
        {
            var text = (await node.AskAsync<WorkerProtocol.MetricsText>(WorkerProtocol.GetMetrics.Instance)).Text;
            Assert.Contains($"kafka_connect_source_task_metrics_source_record_poll_total{{connector=\"{name}\",task=\"0\"}}", text, StringComparison.Ordinal);
            Assert.Contains("kafka_connect_connect_worker_metrics_task_count 1\n", text, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
    }
}
