using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

public sealed class ConnectorsWorker : RestWorkerFixture;

/// <summary>The connector endpoints' codes and bodies against Kafka Connect's, including their error paths.</summary>
[Collection("kafka")]
public sealed class ConnectorsEndpointsTests(KafkaFixture kafka, ConnectorsWorker fixture) : RestTestBase<ConnectorsWorker>(kafka, fixture), IClassFixture<ConnectorsWorker>
{
    private JsonObject Source(string name) => RestWorker.FileSource(FileIn(name + ".txt"), Unique("topic"));

    [Fact]
    public async Task Post_creates_with_201_location_and_ConnectorInfo()
    {
        var name = Unique("create");
        var reply = await Rest.CreateAsync(name, Source(name));

        Assert.Equal($"/connectors/{name}", reply.Headers.Location?.OriginalString);
        var body = reply.Json!.AsObject();
        Assert.Equal(["name", "config", "tasks", "type"], body.Select(p => p.Key));
        Assert.Equal(name, body["name"]!.GetValue<string>());
        Assert.Equal(name, body["config"]!["name"]!.GetValue<string>());
        Assert.Equal("org.apache.kafka.connect.file.FileStreamSourceConnector", body["config"]!["connector.class"]!.GetValue<string>());
        Assert.Equal("source", body["type"]!.GetValue<string>());
        Assert.IsType<JsonArray>(body["tasks"]);
    }

    [Fact]
    public async Task Post_existing_name_is_409()
    {
        var name = Unique("twice");
        await Rest.CreateAsync(name, Source(name));
        var again = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = Source(name) });
        AssertError(again, HttpStatusCode.Conflict, name);
    }

    [Fact]
    public async Task Post_invalid_config_is_400_naming_the_key()
    {
        var name = Unique("invalid");
        var config = Source(name);
        config.Remove("topic");
        var reply = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = config });
        AssertError(reply, HttpStatusCode.BadRequest, "topic");
        Assert.Equal(HttpStatusCode.NotFound, (await Rest.GetAsync($"/connectors/{name}")).Status);
    }

    [Fact]
    public async Task Post_name_mismatch_is_400_with_Kafka_Connects_message()
    {
        var config = Source("a");
        config["name"] = "other";
        var reply = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = "mine", ["config"] = config });
        AssertError(reply, HttpStatusCode.BadRequest, "Connector name configuration (other) doesn't match connector name in the URL (mine)");
    }

    [Fact]
    public async Task Post_accepts_unquoted_numbers_and_initial_state_paused()
    {
        var name = Unique("paused");
        var config = Source(name);
        config["tasks.max"] = 1;
        await Rest.CreateAsync(name, config, initialState: "PAUSED");
        var status = await Rest.WaitForStatusAsync(name, s => s["connector"]!["state"]!.GetValue<string>() == "PAUSED");
        Assert.Equal("PAUSED", status["connector"]!["state"]!.GetValue<string>());
        Assert.Equal("1", (await Rest.GetAsync($"/connectors/{name}/config")).Json!["tasks.max"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_unknown_initial_state_is_400()
    {
        var reply = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = Unique("s"), ["config"] = Source("s"), ["initial_state"] = "SLEEPING" });
        AssertError(reply, HttpStatusCode.BadRequest, "RUNNING, PAUSED or STOPPED");
    }

    [Fact]
    public async Task Get_list_and_expand()
    {
        var name = Unique("listed");
        await Rest.CreateAsync(name, Source(name));

        var list = await Rest.GetAsync("/connectors");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(name, list.Json!.AsArray().Select(n => n!.GetValue<string>()));

        var expanded = await Rest.GetAsync("/connectors?expand=status&expand=info&expand=unknown");
        Assert.Equal(HttpStatusCode.OK, expanded.Status);
        var entry = expanded.Json![name]!.AsObject();
        Assert.Equal(["status", "info"], entry.Select(p => p.Key));
        Assert.Equal(name, entry["status"]!["name"]!.GetValue<string>());
        Assert.Equal(name, entry["info"]!["name"]!.GetValue<string>());

        var statusOnly = await Rest.GetAsync("/connectors?expand=status");
        Assert.Equal(["status"], statusOnly.Json![name]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Get_info_and_config_and_404_for_unknown()
    {
        var name = Unique("info");
        await Rest.CreateAsync(name, Source(name));

        var info = await Rest.GetAsync($"/connectors/{name}");
        Assert.Equal(HttpStatusCode.OK, info.Status);
        Assert.Equal(["name", "config", "tasks", "type"], info.Json!.AsObject().Select(p => p.Key));
        await Eventually.AssertAsync(async () =>
        {
            var tasks = (await Rest.GetAsync($"/connectors/{name}")).Json!["tasks"]!.AsArray();
            Assert.Equal("""[{"connector":"NAME","task":0}]""".Replace("NAME", name, StringComparison.Ordinal), tasks.ToJsonString());
        }, TimeSpan.FromSeconds(30));

        var config = await Rest.GetAsync($"/connectors/{name}/config");
        Assert.Equal(HttpStatusCode.OK, config.Status);
        Assert.All(config.Json!.AsObject(), p => Assert.Equal(System.Text.Json.JsonValueKind.String, p.Value!.GetValueKind()));
        Assert.Equal(name, config.Json!["name"]!.GetValue<string>());

        AssertError(await Rest.GetAsync("/connectors/no-such-connector"), HttpStatusCode.NotFound, "no-such-connector");
        AssertError(await Rest.GetAsync("/connectors/no-such-connector/config"), HttpStatusCode.NotFound, "no-such-connector");
        AssertError(await Rest.GetAsync("/connectors/no-such-connector/status"), HttpStatusCode.NotFound, "no-such-connector");
    }

    [Fact]
    public async Task Put_config_creates_with_201_then_updates_with_200()
    {
        var name = Unique("put");
        var created = await Rest.PutAsync($"/connectors/{name}/config", Source(name));
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal($"/connectors/{name}", created.Headers.Location?.OriginalString);
        Assert.Equal(name, created.Json!["config"]!["name"]!.GetValue<string>());

        var changed = Source(name);
        changed["batch.size"] = "10";
        var updated = await Rest.PutAsync($"/connectors/{name}/config", changed);
        Assert.True(updated.Status == HttpStatusCode.OK, updated.ToString());
        Assert.Equal("10", updated.Json!["config"]!["batch.size"]!.GetValue<string>());
        Assert.Equal("10", (await Rest.GetAsync($"/connectors/{name}/config")).Json!["batch.size"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_config_name_mismatch_is_400()
    {
        var config = Source("x");
        config["name"] = "something-else";
        AssertError(await Rest.PutAsync("/connectors/in-url/config", config), HttpStatusCode.BadRequest,
            "Connector name configuration (something-else) doesn't match connector name in the URL (in-url)");
    }

    [Fact]
    public async Task Put_invalid_config_is_400()
    {
        var config = Source("bad");
        config["connector.class"] = "NoSuchConnector";
        AssertError(await Rest.PutAsync($"/connectors/{Unique("bad")}/config", config), HttpStatusCode.BadRequest, "NoSuchConnector");
    }

    [Fact]
    public async Task Patch_changes_and_removes_keys_and_404_for_unknown()
    {
        var name = Unique("patch");
        var config = Source(name);
        config["batch.size"] = "5";
        await Rest.CreateAsync(name, config);

        var patched = await Rest.PatchAsync($"/connectors/{name}/config", new JsonObject { ["batch.size"] = null, ["tasks.max"] = "1" });
        Assert.True(patched.Status == HttpStatusCode.OK, patched.ToString());
        Assert.Null(patched.Json!["config"]!["batch.size"]);
        Assert.Equal(["name", "config", "tasks", "type"], patched.Json!.AsObject().Select(p => p.Key));

        AssertError(await Rest.PatchAsync("/connectors/absent/config", new JsonObject { ["tasks.max"] = "2" }), HttpStatusCode.NotFound, "absent");
        AssertError(await Rest.PatchAsync($"/connectors/{name}/config", new JsonObject { ["name"] = "renamed" }), HttpStatusCode.BadRequest, "doesn't match");
    }

    [Fact]
    public async Task Delete_is_204_then_404()
    {
        var name = Unique("delete");
        await Rest.CreateAsync(name, Source(name));
        var deleted = await Rest.DeleteAsync($"/connectors/{name}");
        Assert.True(deleted.Status == HttpStatusCode.NoContent, deleted.ToString());
        Assert.Equal(string.Empty, deleted.Body);
        AssertError(await Rest.GetAsync($"/connectors/{name}"), HttpStatusCode.NotFound, name);
        AssertError(await Rest.DeleteAsync($"/connectors/{name}"), HttpStatusCode.NotFound, name);
    }

    /// <summary>Every error is Kafka Connect's body: exactly error_code and message, the code matching the status.</summary>
    internal static void AssertError(RestReply reply, HttpStatusCode status, string messagePart)
    {
        Assert.True(reply.Status == status, $"expected {(int)status}, got {reply}");
        Assert.Equal("application/json", reply.ContentHeaders?.ContentType?.MediaType);
        var body = reply.Json!.AsObject();
        Assert.Equal(["error_code", "message"], body.Select(p => p.Key));
        Assert.Equal((int)status, body["error_code"]!.GetValue<int>());
        Assert.Contains(messagePart, body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
