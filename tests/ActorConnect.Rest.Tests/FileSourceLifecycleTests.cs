using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using static ActorConnect.Rest.Tests.ConnectorsEndpointsTests;

namespace ActorConnect.Rest.Tests;

public sealed class LifecycleWorker : RestWorkerFixture;

/// <summary>
/// A Kafka Connect user's session, by REST only: create a FileStreamSource, pause, resume, stop, read and change the
/// offsets, delete; the topic shows records flowing or not as each state says.
/// </summary>
[Collection("kafka")]
public sealed class FileSourceLifecycleTests(KafkaFixture kafka, LifecycleWorker fixture) : RestTestBase<LifecycleWorker>(kafka, fixture), IClassFixture<LifecycleWorker>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Create_pause_resume_stop_offsets_delete()
    {
        var name = Unique("file-source");
        var topic = Unique("rest-lifecycle");
        var file = FileIn(name + ".txt");
        await CreateTopicAsync(topic);
        await File.WriteAllLinesAsync(file, ["one", "two", "three"]);

        await Rest.CreateAsync(name, RestWorker.FileSource(file, topic));
        var running = await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        Assert.Equal(Rest.Rest.WorkerId, running["connector"]!["worker_id"]!.GetValue<string>());
        Assert.Equal(Sorted("one", "two", "three"), await ValuesAsync(topic, 3));

        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/pause")).Status);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "PAUSED [PAUSED]");
        await File.AppendAllLinesAsync(file, ["four", "five"]);
        // The one bounded wait for an absence: a paused task must not read the new lines. No sleep: the consumer's
        // own poll is the wait, and the RUNNING case below proves the same wait is long enough to see records.
        Assert.Equal(3, (await ValuesAsync(topic, 5, TimeSpan.FromSeconds(2))).Count);

        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/resume")).Status);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        Assert.Equal(Sorted("one", "two", "three", "four", "five"), await ValuesAsync(topic, 5));

        // Offsets cannot change while the connector runs.
        AssertError(await Rest.DeleteAsync($"/connectors/{name}/offsets"), HttpStatusCode.BadRequest, "STOPPED");

        var stopped = await Rest.PutAsync($"/connectors/{name}/stop");
        Assert.True(stopped.Status == HttpStatusCode.NoContent, stopped.ToString());
        await Rest.WaitForStatusAsync(name, s => s["connector"]!["state"]!.GetValue<string>() == "STOPPED" && s["tasks"]!.AsArray().Count == 0);

        var length = new FileInfo(file).Length;
        var offsets = await Rest.GetAsync($"/connectors/{name}/offsets");
        Assert.Equal(HttpStatusCode.OK, offsets.Status);
        var entry = Assert.Single(offsets.Json!["offsets"]!.AsArray())!;
        Assert.Equal(Path.GetFullPath(file), Path.GetFullPath(entry["partition"]!["filename"]!.GetValue<string>()));
        Assert.Equal(length, entry["offset"]!["position"]!.GetValue<long>());

        var reset = await Rest.DeleteAsync($"/connectors/{name}/offsets");
        Assert.True(reset.Status == HttpStatusCode.OK, reset.ToString());
        Assert.Contains("reset successfully", reset.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await Rest.GetAsync($"/connectors/{name}/offsets")).Json!["offsets"]!.AsArray());

        // Reset offsets mean the file is read again from the start once the connector runs.
        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/resume")).Status);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        Assert.Equal(10, (await ValuesAsync(topic, 10)).Count);

        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{name}")).Status);
        AssertError(await Rest.GetAsync($"/connectors/{name}/status"), HttpStatusCode.NotFound, name);
    }

    [Fact]
    public async Task Patch_offsets_only_when_stopped_and_the_source_resumes_from_them()
    {
        var name = Unique("patch-offsets");
        var topic = Unique("rest-offsets");
        var file = FileIn(name + ".txt");
        await CreateTopicAsync(topic);
        // No byte order mark: the offset below is a byte position, and a BOM would move every line.
        await File.WriteAllTextAsync(file, "alpha\nbeta\ngamma\n");
        await Rest.CreateAsync(name, RestWorker.FileSource(file, topic));
        Assert.Equal(3, (await ValuesAsync(topic, 3)).Count);

        var change = new JsonObject
        {
            ["offsets"] = new JsonArray(new JsonObject
            {
                ["partition"] = new JsonObject { ["filename"] = file },
                ["offset"] = new JsonObject { ["position"] = "alpha\n".Length },
            }),
        };
        AssertError(await Rest.PatchAsync($"/connectors/{name}/offsets", change), HttpStatusCode.BadRequest,
            "Connectors must be in the STOPPED state before their offsets can be modified");

        Assert.Equal(HttpStatusCode.NoContent, (await Rest.PutAsync($"/connectors/{name}/stop")).Status);
        await Rest.WaitForStatusAsync(name, s => s["connector"]!["state"]!.GetValue<string>() == "STOPPED");
        AssertError(await Rest.PatchAsync($"/connectors/{name}/offsets", new JsonObject { ["offsets"] = new JsonArray() }), HttpStatusCode.BadRequest, "offsets");

        var altered = await Rest.PatchAsync($"/connectors/{name}/offsets", change);
        Assert.True(altered.Status == HttpStatusCode.OK, altered.ToString());
        Assert.Contains("altered successfully", altered.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var entry = Assert.Single((await Rest.GetAsync($"/connectors/{name}/offsets")).Json!["offsets"]!.AsArray())!;
        Assert.Equal("alpha\n".Length, entry["offset"]!["position"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/resume")).Status);
        Assert.Equal(Sorted("alpha", "beta", "gamma", "beta", "gamma"), await ValuesAsync(topic, 5));
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{name}")).Status);
    }

    [Theory]
    [InlineData("\"abc\"", "\"abc\"")]
    [InlineData("-5", "-5")]
    [InlineData("1.5", "1.5")]
    [InlineData("null", "\"position\" is missing")]
    public async Task A_position_the_task_could_not_start_from_is_refused_with_400_naming_the_partition_and_field(string position, string shown)
    {
        var name = Unique("bad-position");
        var file = FileIn(name + ".txt");
        await File.WriteAllTextAsync(file, "alpha\n");
        await Rest.CreateAsync(name, RestWorker.FileSource(file, Unique("rest-bad-position")), initialState: "STOPPED");
        var change = new JsonObject
        {
            ["offsets"] = new JsonArray(new JsonObject
            {
                ["partition"] = new JsonObject { ["filename"] = file },
                ["offset"] = new JsonObject { ["position"] = JsonNode.Parse(position) },
            }),
        };

        var reply = await Rest.PatchAsync($"/connectors/{name}/offsets", change);
        AssertError(reply, HttpStatusCode.BadRequest, "\"position\"");
        var message = reply.Json!["message"]!.GetValue<string>();
        Assert.Contains(file, message, StringComparison.Ordinal);
        Assert.Contains(shown, message, StringComparison.Ordinal);
        // Nothing stored: the connector starts from where it was (the file's start) and its task runs.
        Assert.Empty((await Rest.GetAsync($"/connectors/{name}/offsets")).Json!["offsets"]!.AsArray());
        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/resume")).Status);
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{name}")).Status);
    }

    [Fact]
    public async Task Offsets_of_unknown_connector_are_404()
    {
        AssertError(await Rest.GetAsync("/connectors/nobody/offsets"), HttpStatusCode.NotFound, "nobody");
        AssertError(await Rest.DeleteAsync("/connectors/nobody/offsets"), HttpStatusCode.NotFound, "nobody");
    }

    [Fact]
    public async Task Topics_of_a_sink_list_what_it_consumed_and_reset_forgets_them()
    {
        var name = Unique("sink-topics");
        var topic = Unique("rest-sink-topics");
        var sinkFile = FileIn(name + ".out");
        await CreateTopicAsync(topic);
        await Kafka.ProduceAsync(topic, [(null, Encoding.UTF8.GetBytes("hello"))]);
        await Rest.CreateAsync(name, new JsonObject
        {
            ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSinkConnector",
            ["file"] = sinkFile,
            ["topics"] = topic,
        });
        await Eventually.AssertAsync(() => File.Exists(sinkFile) && File.ReadAllText(sinkFile).Contains("hello", StringComparison.Ordinal), Wait, "the record reaches the sink file");

        await AssertTopicsThenResetAsync(name, topic);
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{name}")).Status);
    }

    // Waits on the runtime: source tasks do not report the topics they produce to yet (SourceTaskActor never calls
    // TaskActorBase.TopicUsed; sink tasks do), so a source connector's active topics stay empty.
    [Fact]
    public async Task Topics_of_a_source_list_the_topic_it_produced_to()
    {
        var name = Unique("topics");
        var topic = Unique("rest-topics");
        var file = FileIn(name + ".txt");
        await CreateTopicAsync(topic);
        await File.WriteAllLinesAsync(file, ["x"]);
        await Rest.CreateAsync(name, RestWorker.FileSource(file, topic));
        Assert.Single(await ValuesAsync(topic, 1));

        await AssertTopicsThenResetAsync(name, topic);
        AssertError(await Rest.GetAsync("/connectors/nobody/topics"), HttpStatusCode.NotFound, "nobody");
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{name}")).Status);
    }

    /// <summary>Waits until the connector's active topics are exactly <paramref name="topic"/>, then resets them and checks they are gone.</summary>
    private async Task AssertTopicsThenResetAsync(string name, string topic)
    {
        await Eventually.AssertAsync(async () =>
        {
            var topics = await Rest.GetAsync($"/connectors/{name}/topics");
            Assert.Equal(HttpStatusCode.OK, topics.Status);
            Assert.Equal([name], topics.Json!.AsObject().Select(p => p.Key));
            Assert.Equal([topic], topics.Json![name]!["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        }, Wait);

        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{name}/topics/reset")).Status);
        Assert.Empty((await Rest.GetAsync($"/connectors/{name}/topics")).Json![name]!["topics"]!.AsArray());
    }

    // Sorted: a topic the broker created on first use may have several partitions, and records without keys spread over them.
    private async Task<List<string>> ValuesAsync(string topic, int expected, TimeSpan? timeout = null) =>
        (await Kafka.ConsumeAllAsync(topic, expected, timeout ?? Wait)).Select(r => Encoding.UTF8.GetString(r.Message.Value ?? [])).Order(StringComparer.Ordinal).ToList();

    private static List<string> Sorted(params string[] values) => values.Order(StringComparer.Ordinal).ToList();
}
