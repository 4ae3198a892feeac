using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.File.Tests;

public sealed class ConnectorTests
{
    private static IReadOnlyList<string> Errors(IReadOnlyList<ConfigValue> result, string key) => result.Single(v => v.Name == key).Errors;

    [Fact]
    public void Source_validation_reports_a_missing_topic_with_Kafkas_message()
    {
        var result = new FileStreamSourceConnector().Validate(new Dictionary<string, string> { ["file"] = "/tmp/x" });

        Assert.Equal(new[] { "Missing required configuration \"topic\" which has no default value." }, Errors(result, "topic"));
        Assert.Empty(Errors(result, "file"));
        Assert.Empty(Errors(result, "batch.size"));
    }

    [Fact]
    public void Source_validation_reports_a_comma_in_topic()
    {
        var result = new FileStreamSourceConnector().Validate(new Dictionary<string, string> { ["topic"] = "a,b" });

        var error = Assert.Single(Errors(result, "topic"));
        Assert.Equal("Invalid value a,b for configuration topic: 'topic' in FileStreamSourceConnector configuration requires definition of a single topic; a comma-separated list is not allowed", error);
    }

    [Fact]
    public void Source_start_rejects_bad_configs()
    {
        Assert.Throws<ConfigException>(() => new FileStreamSourceConnector().Start(new Dictionary<string, string> { ["topic"] = "a,b" }));
        Assert.Throws<ConfigException>(() => new FileStreamSourceConnector().Start(new Dictionary<string, string>()));
        var e = Assert.Throws<ConfigException>(() => new FileStreamSourceConnector().Start(new Dictionary<string, string> { ["topic"] = "t", ["batch.size"] = "0" }));
        Assert.Contains("batch.size", e.Message);
        Assert.Throws<ConfigException>(() => new FileStreamSourceTask().Start(new Dictionary<string, string> { ["topic"] = "" }));
    }

    [Fact]
    public void Source_runs_exactly_one_task_with_the_connector_config()
    {
        var connector = new FileStreamSourceConnector();
        var props = new Dictionary<string, string> { ["topic"] = "t", ["file"] = "/tmp/x", ["name"] = "src" };
        connector.Start(props);

        var configs = connector.TaskConfigs(5);

        Assert.Equal(props, Assert.Single(configs));
        Assert.Equal(typeof(FileStreamSourceTask), connector.TaskType);
    }

    [Fact]
    public void Sink_runs_max_tasks_identical_tasks_passing_topics_through()
    {
        var connector = new FileStreamSinkConnector();
        var props = new Dictionary<string, string> { ["topics"] = "a,b", ["file"] = "/tmp/out" };
        connector.Start(props);

        var configs = connector.TaskConfigs(3);

        Assert.Equal(3, configs.Count);
        Assert.All(configs, c => Assert.Equal(props, c));
        Assert.Equal(typeof(FileStreamSinkTask), connector.TaskType);
        Assert.Empty(connector.Validate(new Dictionary<string, string> { ["topics"] = "a" }).SelectMany(v => v.Errors));
    }

    [Fact]
    public void Every_key_is_documented_with_importance_and_group()
    {
        var keys = new FileStreamSourceConnector().Config().Keys.Concat(new FileStreamSinkConnector().Config().Keys).ToList();

        Assert.Equal(new[] { "file", "topic", "batch.size", "file" }, keys.Select(k => k.Name));
        Assert.All(keys, k =>
        {
            Assert.False(string.IsNullOrWhiteSpace(k.Documentation));
            Assert.Equal("File", k.Group);
        });
        var source = new FileStreamSourceConnector().Config();
        Assert.Equal(2000, source["batch.size"]!.DefaultValue);
        Assert.False(source["topic"]!.HasDefault);
        Assert.Null(source["file"]!.DefaultValue);
        Assert.Equal(Importance.High, source["topic"]!.Importance);
    }

    [Fact]
    public void Aliases_name_Kafkas_classes()
    {
        Assert.Equal(new[] { "FileStreamSource", "FileStreamSourceConnector", "org.apache.kafka.connect.file.FileStreamSourceConnector" }, FileStreamSourceConnector.Aliases);
        Assert.Equal(new[] { "FileStreamSink", "FileStreamSinkConnector", "org.apache.kafka.connect.file.FileStreamSinkConnector" }, FileStreamSinkConnector.Aliases);

        var viaReflection = typeof(FileStreamSinkConnector).GetProperty("Aliases", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!.GetValue(null);
        Assert.Same(FileStreamSinkConnector.Aliases, viaReflection);
    }

    [Fact]
    public void Versions_are_reported()
    {
        Assert.False(string.IsNullOrEmpty(new FileStreamSourceConnector().Version));
        Assert.Equal(new FileStreamSourceConnector().Version, new FileStreamSourceTask().Version);
        Assert.Equal(new FileStreamSinkConnector().Version, new FileStreamSinkTask().Version);
    }
}
