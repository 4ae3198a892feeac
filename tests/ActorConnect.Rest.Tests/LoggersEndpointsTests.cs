using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.Rest.Logging;
using ActorConnect.TestSupport;
using Serilog.Events;
using Serilog.Parsing;
using static ActorConnect.Rest.Tests.ConnectorsEndpointsTests;

namespace ActorConnect.Rest.Tests;

public sealed class LoggersWorker : RestWorkerFixture;

/// <summary><c>/admin/loggers</c> as Kafka Connect answers it, over the level registry the host's Serilog pipeline filters with.</summary>
[Collection("kafka")]
public sealed class LoggersEndpointsTests(KafkaFixture kafka, LoggersWorker fixture) : RestTestBase<LoggersWorker>(kafka, fixture), IClassFixture<LoggersWorker>
{
    [Fact]
    public async Task Put_sets_a_namespace_and_lists_the_affected_loggers()
    {
        var ns = "Test." + Unique("ns").Replace("-", "", StringComparison.Ordinal);
        Rest.Levels.IsEnabled(Event(ns + ".Child", LogEventLevel.Information));

        var reply = await Rest.PutAsync($"/admin/loggers/{ns}", new JsonObject { ["level"] = "debug" });
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal($"""["{ns}","{ns}.Child"]""", reply.Json!.ToJsonString());

        var all = (await Rest.GetAsync("/admin/loggers")).Json!.AsObject();
        Assert.Equal("INFO", all["root"]!["level"]!.GetValue<string>());
        Assert.Equal("DEBUG", all[ns]!["level"]!.GetValue<string>());
        Assert.True(all[ns]!["last_modified"]!.GetValue<long>() > 0);

        var child = await Rest.GetAsync($"/admin/loggers/{ns}.Child");
        Assert.Equal(HttpStatusCode.OK, child.Status);
        Assert.Equal(["level", "last_modified"], child.Json!.AsObject().Select(p => p.Key));
        Assert.Equal("DEBUG", child.Json!["level"]!.GetValue<string>());

        Assert.True(Rest.Levels.IsEnabled(Event(ns + ".Child", LogEventLevel.Debug)));
        Assert.False(Rest.Levels.IsEnabled(Event("Elsewhere.Class", LogEventLevel.Debug)));
    }

    [Fact]
    public async Task Root_is_listed_with_null_last_modified_and_unknown_logger_is_404()
    {
        var root = await Rest.GetAsync("/admin/loggers/root");
        Assert.Equal(HttpStatusCode.OK, root.Status);
        Assert.Equal(["level", "last_modified"], root.Json!.AsObject().Select(p => p.Key));
        AssertError(await Rest.GetAsync("/admin/loggers/Never.Seen.Logger"), HttpStatusCode.NotFound, "Never.Seen.Logger");
    }

    [Fact]
    public async Task Unknown_level_is_404_and_missing_level_400_as_Kafka_Connect()
    {
        AssertError(await Rest.PutAsync("/admin/loggers/Some.Logger", new JsonObject { ["level"] = "LOUD" }), HttpStatusCode.NotFound, "invalid log level 'LOUD'");
        AssertError(await Rest.PutAsync("/admin/loggers/Some.Logger", new JsonObject()), HttpStatusCode.BadRequest, "'level'");
    }

    [Fact]
    public async Task Cluster_scope_is_204()
    {
        var ns = "Cluster." + Unique("c").Replace("-", "", StringComparison.Ordinal);
        var reply = await Rest.PutAsync($"/admin/loggers/{ns}?scope=cluster", new JsonObject { ["level"] = "WARN" });
        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal("WARN", (await Rest.GetAsync($"/admin/loggers/{ns}")).Json!["level"]!.GetValue<string>());
    }

    internal static LogEvent Event(string sourceContext, LogEventLevel level) =>
        new(DateTimeOffset.UtcNow, level, null, new MessageTemplateParser().Parse("x"), [new LogEventProperty("SourceContext", new ScalarValue(sourceContext))]);
}

/// <summary>The registry's rules without a worker: longest prefix wins, a namespace overrides its explicit descendants, OFF silences.</summary>
public sealed class LogLevelRegistryTests
{
    [Fact]
    public void Longest_prefix_decides_at_dot_boundaries()
    {
        var registry = new LogLevelRegistry("WARN");
        registry.SetLevel("A.B", "DEBUG");
        registry.SetLevel("A.B.C", "ERROR");

        Assert.True(registry.IsEnabled(LoggersEndpointsTests.Event("A.B.X", LogEventLevel.Debug)));
        Assert.False(registry.IsEnabled(LoggersEndpointsTests.Event("A.B.C.D", LogEventLevel.Warning)));
        Assert.False(registry.IsEnabled(LoggersEndpointsTests.Event("A.BC", LogEventLevel.Information)));
        Assert.Equal(LogEventLevel.Debug, registry.MinimumLevel.MinimumLevel);
    }

    [Fact]
    public void Setting_a_namespace_overrides_its_explicit_descendants_and_root_sets_all()
    {
        var registry = new LogLevelRegistry();
        registry.SetLevel("A.B.C", "ERROR");
        Assert.Equal(["A.B", "A.B.C"], registry.SetLevel("A.B", "TRACE"));
        Assert.Equal("TRACE", registry.LevelOf("A.B.C")!.Value.Level);

        registry.SetLevel("root", "OFF");
        Assert.False(registry.IsEnabled(LoggersEndpointsTests.Event("A.B.C", LogEventLevel.Fatal)));
        Assert.Equal("OFF", registry.ExplicitLevels()["A.B"].Level);
    }

    [Fact]
    public void Initial_levels_show_with_null_last_modified()
    {
        var registry = new LogLevelRegistry("INFO", new Dictionary<string, string> { ["Microsoft.AspNetCore"] = "WARN" });
        Assert.Null(registry.ExplicitLevels()["Microsoft.AspNetCore"].LastModified);
        Assert.Throws<ArgumentException>(() => registry.SetLevel("x", "LOUD"));
    }
}
