using ActorConnect.Api.Errors;
using ActorConnect.Connectors.File;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// Worker and connector configuration as users write it: Kafka Connect's own files are accepted as they are, unknown
/// keys are kept, and every wrong or missing value fails naming its key (and, where there is one, the fix).
/// </summary>
public sealed class WorkerConfigTests
{
    private static Dictionary<string, string> Minimal() => new()
    {
        ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        ["offset.storage.file.filename"] = "/tmp/connect.offsets",
    };

    [Fact]
    public void Kafka_Connects_standalone_file_is_a_valid_standalone_worker_config()
    {
        var config = WorkerConfig.ParseStandalone(JavaProperties.Parse(KafkaSampleFiles.ConnectStandalone));

        Assert.Equal("localhost:9092", config.BootstrapServersValue);
        Assert.Equal(TimeSpan.FromSeconds(10), config.OffsetFlushInterval);
        Assert.Equal("/tmp/connect.offsets", config.OffsetStorageFile);
        Assert.Empty(config.PluginPaths);
        // Keys this runtime has no use for (the 0.9 internal converters) are accepted and kept, as Kafka Connect does.
        Assert.Equal("org.apache.kafka.connect.json.JsonConverter", config.Originals["internal.key.converter"]);
        Assert.Equal("true", config.Originals["value.converter.schemas.enable"]);
    }

    [Fact]
    public void The_repositorys_sample_worker_file_is_a_valid_standalone_worker_config()
    {
        var config = WorkerConfig.ParseStandalone(JavaProperties.Load(Path.Combine(RepoPaths.RepoRoot, "config", "worker.properties")));
        Assert.False(string.IsNullOrWhiteSpace(config.OffsetStorageFile));
    }

    [Fact]
    public void An_unknown_key_is_accepted_and_kept_in_Originals()
    {
        var props = Minimal();
        props["no.such.setting"] = "whatever it is";
        props["consumer.fetch.wait.max.ms"] = "250";

        var config = WorkerConfig.ParseStandalone(props);

        Assert.Equal("whatever it is", config.Originals["no.such.setting"]);
        Assert.Equal("250", new Clients.ClientConfigs(config, p => p, _ => { }).Task(Kafka.ClientKeys.ClientKind.Consumer, new Dictionary<string, string>())["fetch.wait.max.ms"]);
    }

    [Fact]
    public void A_value_of_the_wrong_type_fails_naming_the_key_and_the_value()
    {
        var props = Minimal();
        props["offset.flush.interval.ms"] = "soon";

        var error = Assert.Throws<ConfigException>(() => WorkerConfig.ParseStandalone(props));

        Assert.Contains("offset.flush.interval.ms", error.Message);
        Assert.Contains("soon", error.Message);
    }

    [Fact]
    public void A_value_out_of_range_fails_naming_the_key()
    {
        var props = Minimal();
        props["offset.flush.interval.ms"] = "0";

        var error = Assert.Throws<ConfigException>(() => WorkerConfig.Parse(props));

        Assert.Contains("offset.flush.interval.ms", error.Message);
    }

    [Fact]
    public void Numbers_with_the_trailing_spaces_Java_keeps_in_values_still_parse()
    {
        var config = WorkerConfig.ParseStandalone(JavaProperties.Parse(
            "key.converter=org.apache.kafka.connect.storage.StringConverter  \n" +
            "value.converter=org.apache.kafka.connect.storage.StringConverter\n" +
            "offset.storage.file.filename=/tmp/connect.offsets\n" +
            "offset.flush.interval.ms=1500   \n"));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.OffsetFlushInterval);
        Assert.Equal("org.apache.kafka.connect.storage.StringConverter  ", config.Originals["key.converter"]);
    }

    [Fact]
    public void A_missing_key_converter_fails_naming_it()
    {
        var props = Minimal();
        props.Remove("key.converter");

        var error = Assert.Throws<ConfigException>(() => WorkerConfig.Parse(props));

        Assert.Contains("\"key.converter\"", error.Message);
        Assert.DoesNotContain("value.converter", error.Message);
    }

    [Fact]
    public void Standalone_without_an_offset_file_fails_naming_the_key_with_an_example()
    {
        var props = Minimal();
        props.Remove("offset.storage.file.filename");

        // Any worker may go without it; standalone mode may not.
        Assert.Null(WorkerConfig.Parse(props).OffsetStorageFile);
        var error = Assert.Throws<ConfigException>(() => WorkerConfig.ParseStandalone(props));

        Assert.Contains("\"offset.storage.file.filename\"", error.Message);
        Assert.Matches(@"for example offset\.storage\.file\.filename=\S+", error.Message);
    }

    [Fact]
    public void Every_bad_key_is_named_in_one_error()
    {
        var props = Minimal();
        props.Remove("value.converter");
        props["offset.flush.timeout.ms"] = "later";

        var error = Assert.Throws<ConfigException>(() => WorkerConfig.Parse(props));

        Assert.Contains("value.converter", error.Message);
        Assert.Contains("offset.flush.timeout.ms", error.Message);
    }
}

public sealed class ConnectorConfigTests
{
    private static readonly PluginRegistry Registry = PluginRegistry.Create([typeof(FileStreamSinkConnector).Assembly], []);

    private static Dictionary<string, string> Sink(params (string Key, string Value)[] extra)
    {
        var props = new Dictionary<string, string>
        {
            ["name"] = "local-file-sink",
            ["connector.class"] = "FileStreamSink",
            ["file"] = "/tmp/out.txt",
        };
        foreach (var (k, v) in extra)
        {
            props[k] = v;
        }

        return props;
    }

    [Fact]
    public void Kafka_Connects_file_connector_files_are_valid_as_they_are()
    {
        var (source, sourcePlugin) = ConnectorValidator.Validate(JavaProperties.Parse(KafkaSampleFiles.ConnectFileSource), Registry);
        Assert.Equal("local-file-source", source.ConnectorName);
        Assert.Equal(typeof(FileStreamSourceConnector), sourcePlugin.Type);
        Assert.Equal(1, source.MaxTasks);

        var (sink, sinkPlugin) = ConnectorValidator.Validate(JavaProperties.Parse(KafkaSampleFiles.ConnectFileSink), Registry);
        Assert.Equal(typeof(FileStreamSinkConnector), sinkPlugin.Type);
        Assert.Equal(new[] { "connect-test" }, sink.SinkTopics().Topics);
        Assert.Null(sink.SinkTopics().Regex);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("many")]
    public void A_tasks_max_below_one_or_not_a_number_is_rejected_naming_tasks_max(string value)
    {
        var props = Sink(("topics", "t"), ("tasks.max", value));

        var error = Assert.Throws<ConfigException>(() => ConnectorConfig.Parse(props));
        Assert.Contains("tasks.max", error.Message);
        Assert.Contains(value, error.Message);

        // The worker rejects it the same way before anything starts.
        var viaWorker = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(props, Registry));
        Assert.Contains("tasks.max", viaWorker.Message);
    }

    [Fact]
    public void Topics_and_topics_regex_together_are_rejected_naming_both()
    {
        var props = Sink(("topics", "a,b"), ("topics.regex", "a.*"));

        var error = Assert.Throws<ConfigException>(() => ConnectorConfig.Parse(props).SinkTopics());
        Assert.Contains("topics.regex", error.Message);
        Assert.Contains("topics ", error.Message);
        Assert.Contains("local-file-sink", error.Message);

        Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(props, Registry));
    }

    [Fact]
    public void A_sink_with_neither_topics_nor_topics_regex_is_rejected_with_Kafkas_message()
    {
        var error = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(Sink(("topics", " , ")), Registry));
        Assert.Contains("Must configure one of topics or topics.regex", error.Message);
    }

    [Theory]
    [InlineData("orders-[0-9")]
    [InlineData("(unclosed")]
    [InlineData("*starts-with-star")]
    public void A_topics_regex_that_is_not_a_regular_expression_is_rejected_naming_it(string regex)
    {
        var props = Sink(("topics.regex", regex));

        var error = Assert.Throws<ConfigException>(() => ConnectorConfig.Parse(props).SinkTopics());
        Assert.Equal("topics.regex", error.Name);
        Assert.Contains(regex, error.Message);

        var viaWorker = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(props, Registry));
        Assert.Contains("topics.regex", viaWorker.Message);
    }

    [Fact]
    public void A_valid_topics_regex_is_returned_as_given()
    {
        var (topics, regex) = ConnectorConfig.Parse(Sink(("topics.regex", "orders-[0-9]+"))).SinkTopics();
        Assert.Empty(topics);
        Assert.Equal("orders-[0-9]+", regex);
    }

    [Fact]
    public void A_missing_name_or_class_is_rejected_naming_the_key()
    {
        var noName = Sink(("topics", "t"));
        noName.Remove("name");
        Assert.Contains("\"name\"", Assert.Throws<ConfigException>(() => ConnectorConfig.Parse(noName)).Message);

        var noClass = Sink(("topics", "t"));
        noClass.Remove("connector.class");
        Assert.Contains("\"connector.class\"", Assert.Throws<ConfigException>(() => ConnectorConfig.Parse(noClass)).Message);
    }
}
