using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using static ActorConnect.Rest.Tests.ConnectorsEndpointsTests;

namespace ActorConnect.Rest.Tests;

public sealed class PluginsWorker : RestWorkerFixture;

/// <summary><c>/connector-plugins</c>, validation, <c>GET /</c> and <c>GET /health</c>.</summary>
[Collection("kafka")]
public sealed class PluginsAndRootTests(KafkaFixture kafka, PluginsWorker fixture) : RestTestBase<PluginsWorker>(kafka, fixture), IClassFixture<PluginsWorker>
{
    private const string FileSink = "org.apache.kafka.connect.file.FileStreamSinkConnector";

    [Fact]
    public async Task Plugins_lists_connectors_by_default_and_more_with_connectorsOnly_false()
    {
        var reply = await Rest.GetAsync("/connector-plugins");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var plugins = reply.Json!.AsArray();
        Assert.All(plugins, p => Assert.Contains(p!["type"]!.GetValue<string>(), new[] { "source", "sink" }));
        var sink = Assert.Single(plugins, p => p!["class"]!.GetValue<string>() == FileSink)!;
        Assert.Equal("sink", sink["type"]!.GetValue<string>());
        var keys = sink.AsObject().Select(p => p.Key).ToList();
        Assert.True(keys.SequenceEqual(["class", "type", "version"]) || keys.SequenceEqual(["class", "type"]), string.Join(",", keys));

        var all = (await Rest.GetAsync("/connector-plugins?connectorsOnly=false")).Json!.AsArray();
        Assert.True(all.Count > plugins.Count, "connectorsOnly=false lists converters and transformations too");
        Assert.Contains(all, p => p!["type"]!.GetValue<string>() == "converter");

        AssertError(await Rest.GetAsync("/connector-plugins?connectorsOnly=maybe"), HttpStatusCode.BadRequest, "connectorsOnly");
    }

    [Fact]
    public async Task Plugin_config_lists_definitions_and_404_for_unknown()
    {
        var reply = await Rest.GetAsync("/connector-plugins/FileStreamSinkConnector/config");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var file = Assert.Single(reply.Json!.AsArray(), k => k!["name"]!.GetValue<string>() == "file")!;
        Assert.Equal(["name", "type", "required", "default_value", "importance", "documentation", "group", "order", "width", "display_name", "dependents"],
            file.AsObject().Select(p => p.Key));

        AssertError(await Rest.GetAsync("/connector-plugins/NoSuchPlugin/config"), HttpStatusCode.NotFound, "NoSuchPlugin");
    }

    [Fact]
    public async Task Validate_returns_ConfigInfos_with_errors_as_200()
    {
        var reply = await Rest.PutAsync("/connector-plugins/FileStreamSinkConnector/config/validate", new JsonObject
        {
            ["connector.class"] = FileSink,
            ["name"] = "validate-me",
            ["tasks.max"] = "1",
        });
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        var body = reply.Json!.AsObject();
        Assert.Equal(["name", "error_count", "groups", "configs"], body.Select(p => p.Key));
        Assert.True(body["error_count"]!.GetValue<int>() >= 1, "a sink without topics has an error");
        Assert.Contains("Common", body["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        var topics = Assert.Single(body["configs"]!.AsArray(), c => c!["definition"]!["name"]!.GetValue<string>() == "topics")!;
        Assert.Equal(["name", "value", "recommended_values", "errors", "visible"], topics["value"]!.AsObject().Select(p => p.Key));
        Assert.Contains("order", topics["definition"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Validate_lists_keys_nothing_reads_under_unknown_keys_with_a_suggestion_and_no_error()
    {
        var reply = await Rest.PutAsync("/connector-plugins/FileStreamSinkConnector/config/validate", new JsonObject
        {
            ["name"] = "typos",
            ["topics"] = "t",
            ["tasks.maxx"] = "2",
            ["consumer.override.max.poll.intervall.ms"] = "1000",
        });

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        var body = reply.Json!.AsObject();
        Assert.Equal(0, body["error_count"]!.GetValue<int>());
        Assert.Equal(
            [
                ("consumer.override.max.poll.intervall.ms", "consumer.override.max.poll.interval.ms"),
                ("tasks.maxx", "tasks.max"),
            ],
            body["unknown_keys"]!.AsArray().Select(k => (k!["name"]!.GetValue<string>(), k["suggestion"]!.GetValue<string>())));
        Assert.Equal("Unknown configuration 'tasks.maxx' is ignored; did you mean 'tasks.max'?", body["unknown_keys"]![1]!["warning"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_with_another_connector_class_in_the_body_is_400()
    {
        AssertError(await Rest.PutAsync("/connector-plugins/FileStreamSourceConnector/config/validate", new JsonObject { ["connector.class"] = FileSink }),
            HttpStatusCode.BadRequest, $"Included connector type {FileSink} does not match request type FileStreamSourceConnector");
    }

    [Fact]
    public async Task Validate_unknown_plugin_is_404()
    {
        AssertError(await Rest.PutAsync("/connector-plugins/NoSuchPlugin/config/validate", new JsonObject { ["name"] = "x" }), HttpStatusCode.NotFound, "NoSuchPlugin");
    }

    [Fact]
    public async Task Root_shows_version_commit_and_cluster_id()
    {
        var reply = await Rest.GetAsync("/");
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(["version", "commit", "kafka_cluster_id"], reply.Json!.AsObject().Select(p => p.Key));
        Assert.False(string.IsNullOrEmpty(reply.Json!["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Health_is_200_healthy()
    {
        var reply = await Rest.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("""{"status":"healthy","message":"Worker has completed startup and is ready to handle requests."}""", reply.Json!.ToJsonString());
    }
}
