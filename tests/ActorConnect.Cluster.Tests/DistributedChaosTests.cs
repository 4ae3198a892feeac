using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// A distributed worker under hostile use: the race of create, delete and stop on one name (every request gets
/// an answer of its own, and the end agrees with the config topic), and a config topic holding a name no URL reaches.
/// </summary>
[Collection("kafka")]
public sealed class DistributedChaosTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_stop_racing_a_delete_is_answered_and_the_end_agrees_with_the_config_topic()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var node = await cluster.StartNodeAsync("node-a:8083");
        var name = KafkaFixture.UniqueName("race");

        for (var batch = 0; batch < 2; batch++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).SelectMany(_ => new[]
            {
                AnswerAsync(node.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, topic, 1)))),
                AnswerAsync(node.AskAsync<WorkerProtocol.ConnectorDeleted>(new WorkerProtocol.DeleteConnector(name))),
                AnswerAsync(node.AskAsync<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(name, TargetState.Stopped))),
            }));
            // Each an answer of its own kind (done, not found, conflicting), none a timeout or a failure of another kind.
            Assert.All(answers, a => Assert.True(a is "done" or nameof(NotFoundException) or nameof(ConflictException) or nameof(AlreadyExistsException), a));
        }

        await Eventually.AssertAsync(async () =>
        {
            await node.Services.Configs.ReadToEndAsync();
            var stored = node.Services.Configs.Read(name);
            var listed = await node.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance);
            if (stored is null)
            {
                Assert.DoesNotContain(name, listed);
                Assert.Null(node.Services.Statuses.Connector(name));
                Assert.Empty(node.Services.Statuses.Tasks(name));
                return;
            }

            Assert.Contains(name, listed);
            var status = await node.StatusAsync(name);
            Assert.Equal(stored.TargetState == TargetState.Stopped ? ConnectState.Stopped : ConnectState.Running, status.State);
            Assert.Equal(stored.TargetState == TargetState.Stopped ? 0 : 1, status.Tasks.Count(t => t.State == ConnectState.Running));
        }, Timeout, TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task A_delete_answered_done_is_never_undone_by_a_stop_racing_it()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var node = await cluster.StartNodeAsync("node-a:8083");

        for (var round = 0; round < 8; round++)
        {
            var name = KafkaFixture.UniqueName("undone");
            await node.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, topic, 1)));
            var stops = Enumerable.Range(0, 4).Select(_ => AnswerAsync(node.AskAsync<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(name, TargetState.Stopped)))).ToList();
            var delete = await AnswerAsync(node.AskAsync<WorkerProtocol.ConnectorDeleted>(new WorkerProtocol.DeleteConnector(name)));
            Assert.All(await Task.WhenAll(stops), a => Assert.True(a is "done" or nameof(NotFoundException) or nameof(ConflictException), a));
            if (delete != "done")
            {
                Assert.Equal(nameof(ConflictException), delete);
                continue;
            }

            // Nothing created it again: it must be gone from the config topic, and stay gone.
            await node.Services.Configs.ReadToEndAsync();
            Assert.Null(node.Services.Configs.Read(name));
            await Assert.ThrowsAsync<NotFoundException>(() => node.StatusAsync(name));
        }
    }

    [Fact]
    public async Task A_connector_in_the_config_topic_under_a_name_no_URL_reaches_is_reported_FAILED_with_how_to_remove_it()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var node = await cluster.StartNodeAsync("node-a:8083");
        var fine = KafkaFixture.UniqueName("fine");
        // Written straight to the topic, as an older worker (or a hand) could have.
        await Task.Run(() => node.Services.Configs.Put(new Runtime.Storage.StoredConnector("a/b", ClusterHarness.SourceConfig("a/b", topic, 1), TargetState.Started)));
        await node.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(fine, topic, 1)));

        await cluster.AwaitStateEverywhereAsync(fine, ConnectState.Running, 1, Timeout);
        await Eventually.AssertAsync(async () =>
        {
            Assert.Contains("a/b", await node.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance));
            var status = await node.StatusAsync("a/b");
            Assert.Equal(ConnectState.Failed, status.State);
            Assert.Contains("cannot reach", status.Trace, StringComparison.Ordinal);
            Assert.Contains("\"connector-a/b\"", status.Trace, StringComparison.Ordinal);
            Assert.Contains(cluster.ConfigTopic, status.Trace, StringComparison.Ordinal);
        }, Timeout);
    }

    private static async Task<string> AnswerAsync(Task request)
    {
        try
        {
            await request;
            return "done";
        }
        catch (Exception e)
        {
            return e is ConnectException ? e.GetType().Name : e.ToString();
        }
    }
}
