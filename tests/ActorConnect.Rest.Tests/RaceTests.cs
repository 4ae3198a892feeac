using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using Akka.Actor;

namespace ActorConnect.Rest.Tests;

public sealed class RaceWorker : RestWorkerFixture;

/// <summary>
/// Chaos on one connector name over real HTTP: requests that race each other (create, delete, stop, pause, resume,
/// restart, new configs) each get an answer of their own kind, never a 500, and when the dust settles the worker runs
/// exactly what its config store holds: no orphan task, status or metric of a deleted connector.
/// </summary>
[Collection("kafka")]
public sealed class RaceTests(KafkaFixture kafka, RaceWorker fixture) : RestTestBase<RaceWorker>(kafka, fixture), IClassFixture<RaceWorker>
{
    private static readonly HttpStatusCode[] Answers = [HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Accepted, HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.Conflict];

    [Fact]
    public async Task A_stop_racing_a_delete_is_answered_204_404_or_409_never_500()
    {
        var name = Unique("race");
        var config = RestWorker.FileSource(FileIn(name + ".txt"), Unique("topic"));
        for (var batch = 0; batch < 4; batch++)
        {
            // 20 rounds at once, each a create, a delete and a stop of the same connector, as in the repro.
            var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                var create = Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = config.DeepClone() });
                var delete = Rest.DeleteAsync($"/connectors/{name}");
                var stop = Rest.PutAsync($"/connectors/{name}/stop");
                return new[] { ("create", await create), ("delete", await delete), ("stop", await stop) };
            }));
            var all = replies.SelectMany(r => r).ToList();
            Assert.All(all, r => Assert.True(Answers.Contains(r.Item2.Status), $"{r.Item1}: {r.Item2}"));
            Assert.All(all.Where(r => r.Item1 == "stop"), r => Assert.True(
                r.Item2.Status is HttpStatusCode.NoContent or HttpStatusCode.NotFound or HttpStatusCode.Conflict, $"stop: {r.Item2}"));
        }

        await AssertRunsWhatIsStoredAsync(name);
    }

    [Fact]
    public async Task A_storm_of_lifecycle_requests_on_one_name_never_answers_500_and_ends_as_stored()
    {
        var name = Unique("storm");
        var random = new Random(1515);
        var requests = new Func<Task<RestReply>>[]
        {
            () => Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = Config(name, "100") }),
            () => Rest.PutAsync($"/connectors/{name}/config", Config(name, random.Next(1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            () => Rest.PatchAsync($"/connectors/{name}/config", new JsonObject { ["batch.size"] = "7" }),
            () => Rest.PutAsync($"/connectors/{name}/pause"),
            () => Rest.PutAsync($"/connectors/{name}/resume"),
            () => Rest.PutAsync($"/connectors/{name}/stop"),
            () => Rest.PostAsync($"/connectors/{name}/restart"),
            () => Rest.PostAsync($"/connectors/{name}/restart?includeTasks=true"),
            () => Rest.PostAsync($"/connectors/{name}/tasks/0/restart"),
            () => Rest.DeleteAsync($"/connectors/{name}"),
            () => Rest.GetAsync($"/connectors/{name}"),
            () => Rest.GetAsync($"/connectors/{name}/status"),
            () => Rest.GetAsync($"/connectors/{name}/tasks"),
            () => Rest.GetAsync("/connectors?expand=status&expand=info"),
        };

        for (var wave = 0; wave < 6; wave++)
        {
            var picks = Enumerable.Range(0, 40).Select(_ => random.Next(requests.Length)).ToList();
            var replies = await Task.WhenAll(picks.Select(async i => (Request: i, Reply: await requests[i]())));
            Assert.All(replies, r => Assert.True(Answers.Contains(r.Reply.Status), $"request {r.Request}: {r.Reply}"));
            await AssertRunsWhatIsStoredAsync(name);
        }
    }

    // FileStreamSource makes one task whatever tasks.max says; a new config changes what its task reads in a batch.
    private JsonObject Config(string name, string batchSize)
    {
        var config = RestWorker.FileSource(FileIn(name + ".txt"), name + "-topic");
        config["batch.size"] = batchSize;
        return config;
    }

    /// <summary>
    /// The worker's answers agree with its config store, and only a stored connector has actors and metrics: a deleted
    /// one has none left (its supervisor, tasks and metric series all gone); a stored one has one supervisor, whose
    /// status follows the stored target state.
    /// </summary>
    private async Task AssertRunsWhatIsStoredAsync(string name)
    {
        var stored = StoredConnector(name);
        await Eventually.AssertAsync(async () =>
        {
            var listed = (await Rest.GetAsync("/connectors")).Json!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var supervisors = Children(Rest.Worker.Worker).Where(a => a.Path.Name.StartsWith("connector-" + name + "-", StringComparison.Ordinal)).ToList();
            var metrics = (await Rest.GetAsync("/metrics")).Body.Split('\n').Where(l => l.Contains($"connector=\"{name}\"", StringComparison.Ordinal)).ToList();
            var status = await Rest.GetAsync($"/connectors/{name}/status");
            if (stored is null)
            {
                Assert.DoesNotContain(name, listed);
                Assert.Equal(HttpStatusCode.NotFound, status.Status);
                Assert.Empty(supervisors);
                Assert.Empty(metrics);
                return;
            }

            Assert.Contains(name, listed);
            var supervisor = Assert.Single(supervisors);
            var config = (await Rest.GetAsync($"/connectors/{name}/config")).Json!.AsObject();
            Assert.Equal(stored["config"]!.ToJsonString(), new JsonObject(config.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
            var target = stored["target_state"]!.GetValue<string>();
            var expected = target switch
            {
                "STOPPED" => "STOPPED []",
                "PAUSED" => "PAUSED [PAUSED]",
                _ => "RUNNING [RUNNING]",
            };
            Assert.True(status.Status == HttpStatusCode.OK, status.ToString());
            Assert.Equal(expected, RestWorker.States(status.Json!));
            // Tasks run under the one supervisor only.
            Assert.Equal(target == "STOPPED" ? 0 : 1, Children(supervisor).Count(a => a.Path.Name.StartsWith("task-", StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The connector as the worker's config store file holds it, or null when it holds none by that name.</summary>
    private JsonNode? StoredConnector(string name)
    {
        var path = Path.Combine(Rest.Dir, "connect.offsets.connectors.json");
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?["connectors"]?[name] : null;
    }

    /// <summary>The live children of a local actor, read from the actor tree itself.</summary>
    private static List<IActorRef> Children(IActorRef actor) => actor is ActorRefWithCell cell ? cell.Children.ToList() : [];
}
