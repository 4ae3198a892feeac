using ActorConnect.Api.Errors;
using ActorConnect.Connectors.File;

namespace ActorConnect.Runtime.Tests.Validation;

/// <summary>GET /connector-plugins and GET /connector-plugins/{plugin}/config, as Kafka Connect answers them.</summary>
public sealed class PluginListingTests
{
    private static readonly Plugins.PluginRegistry Registry = ConnectorConfigValidatorTests.Registry;

    [Fact]
    public void Connectors_only_lists_sinks_then_sources_under_Kafkas_class_names_with_their_version()
    {
        var plugins = Registry.ListPlugins(connectorsOnly: true);

        Assert.All(plugins, p => Assert.Contains(p.Type, new[] { "sink", "source" }));
        Assert.True(plugins.TakeWhile(p => p.Type == "sink").Count() == plugins.Count(p => p.Type == "sink"), "sinks come first");
        var sink = Assert.Single(plugins, p => p.Class == "org.apache.kafka.connect.file.FileStreamSinkConnector");
        Assert.Equal("sink", sink.Type);
        Assert.Equal(new FileStreamSinkConnector().Version, sink.Version);
        Assert.Equal("source", Assert.Single(plugins, p => p.Class == "org.apache.kafka.connect.file.FileStreamSourceConnector").Type);
        Assert.Equal("9.9.9", Assert.Single(plugins, p => p.Class == typeof(SecretSinkConnector).FullName).Version);
    }

    [Fact]
    public void All_plugins_add_converters_transformations_and_predicates()
    {
        var plugins = Registry.ListPlugins(connectorsOnly: false);

        foreach (var converter in new[]
                 {
                     "org.apache.kafka.connect.storage.StringConverter", "org.apache.kafka.connect.json.JsonConverter",
                     "org.apache.kafka.connect.converters.ByteArrayConverter", "org.apache.kafka.connect.converters.IntegerConverter",
                     "org.apache.kafka.connect.converters.LongConverter", "org.apache.kafka.connect.converters.DoubleConverter",
                 })
        {
            var info = Assert.Single(plugins, p => p.Class == converter);
            Assert.Equal("converter", info.Type);
            Assert.False(string.IsNullOrEmpty(info.Version));
        }

        Assert.Equal("transformation", Assert.Single(plugins, p => p.Class == "org.apache.kafka.connect.transforms.MaskField$Value").Type);
        Assert.Equal("predicate", Assert.Single(plugins, p => p.Class == "org.apache.kafka.connect.transforms.predicates.TopicNameMatches").Type);
        string[] order = ["sink", "source", "converter", "header_converter", "transformation", "predicate"];
        Assert.Equal(plugins.Select(p => Array.IndexOf(order, p.Type)).Order(), plugins.Select(p => Array.IndexOf(order, p.Type)));
        Assert.Equal(Registry.ListPlugins(true), plugins.Where(p => p.Type is "sink" or "source"));
    }

    [Fact]
    public void Plugin_config_lists_the_common_keys_then_the_connectors_by_any_name()
    {
        var byAlias = Registry.PluginConfig("FileStreamSource");
        var byClass = Registry.PluginConfig("org.apache.kafka.connect.file.FileStreamSourceConnector");

        Assert.Equal(byAlias.Select(k => k.Name), byClass.Select(k => k.Name));
        Assert.Equal(["name", "connector.class", "tasks.max"], byAlias.Take(3).Select(k => k.Name));
        Assert.Equal(["file", "topic", "batch.size"], byAlias.TakeLast(3).Select(k => k.Name));
        Assert.DoesNotContain(byAlias, k => k.Name == "topics");
        Assert.Contains(Registry.PluginConfig("FileStreamSink"), k => k.Name == "topics");
    }

    [Fact]
    public void Plugin_config_of_converters_transformations_and_predicates_is_their_own_keys()
    {
        var json = Registry.PluginConfig("org.apache.kafka.connect.json.JsonConverter");
        var schemas = Assert.Single(json, k => k.Name == "schemas.enable");
        Assert.Equal(("BOOLEAN", "true"), (schemas.Type, schemas.DefaultValue));

        Assert.Equal(["fields"], Registry.PluginConfig("MaskField").Select(k => k.Name));
        Assert.Equal(["pattern"], Registry.PluginConfig("org.apache.kafka.connect.transforms.predicates.TopicNameMatches").Select(k => k.Name));
        Assert.Empty(Registry.PluginConfig("org.apache.kafka.connect.converters.LongConverter"));
    }

    [Fact]
    public void Plugin_config_of_an_unknown_plugin_is_not_found_with_a_suggestion()
    {
        var error = Assert.Throws<NotFoundException>(() => Registry.PluginConfig("JsonConverterr"));
        Assert.Equal("Unknown plugin JsonConverterr. Did you mean JsonConverter (org.apache.kafka.connect.json.JsonConverter)?", error.Message);
    }
}
