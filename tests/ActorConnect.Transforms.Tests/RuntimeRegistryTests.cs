using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Validation;
using ActorConnect.Transforms.Predicates;

namespace ActorConnect.Transforms.Tests;

/// <summary>The worker's own registry (as the host builds it) finds the built-in transforms, and validation names their keys.</summary>
public class RuntimeRegistryTests
{
    private static readonly PluginRegistry Registry = PluginRegistry.CreateDefault([]);
    private static readonly ConnectorConfigValidator Validator = new(Registry);

    private static Dictionary<string, string> Props(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static IReadOnlyList<string> Errors(ConfigInfos infos, string key) => infos.Configs.Single(c => c.Definition.Name == key).Value.Errors;

    [Theory]
    [InlineData("org.apache.kafka.connect.transforms.InsertField$Value", typeof(InsertFieldValue))]
    [InlineData("InsertField$Key", typeof(InsertFieldKey))]
    [InlineData("org.apache.kafka.connect.transforms.TimestampRouter", typeof(TimestampRouter))]
    [InlineData("Filter", typeof(Filter))]
    [InlineData("io.debezium.transforms.ExtractNewRecordState", typeof(ExtractNewRecordState))]
    [InlineData("ExtractNewRecordState", typeof(ExtractNewRecordState))]
    public void Transforms_are_found_by_kafka_class_name_and_short_name(string name, Type expected)
    {
        Assert.Equal(expected, Registry.Find(name, PluginKind.Transformation)?.Type);
    }

    [Fact]
    public void Predicates_are_found_and_listed_under_kafka_class_names()
    {
        Assert.Equal(typeof(TopicNameMatches), Registry.Find("org.apache.kafka.connect.transforms.predicates.TopicNameMatches", PluginKind.Predicate)?.Type);
        var listed = Registry.ListPlugins(connectorsOnly: false);

        Assert.Equal(26, listed.Count(p => p.Type == "transformation" && p.Class.StartsWith("org.apache.kafka.connect.transforms.", StringComparison.Ordinal)));
        Assert.Equal(3, listed.Count(p => p.Type == "predicate" && p.Class.StartsWith("org.apache.kafka.connect.transforms.predicates.", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_connector_config_with_transforms_is_valid_when_their_keys_are()
    {
        var infos = Validator.Validate("FileStreamSource", Props(
            ("name", "src"), ("topic", "t"), ("file", "/tmp/in.txt"),
            ("transforms", "hoist,insert,route"),
            ("transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value"), ("transforms.hoist.field", "line"),
            ("transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"), ("transforms.insert.static.field", "source"),
            ("transforms.insert.static.value", "file"),
            ("transforms.route.type", "RegexRouter"), ("transforms.route.regex", "(.*)"), ("transforms.route.replacement", "$1-copy"),
            ("transforms.route.predicate", "isTest"),
            ("predicates", "isTest"),
            ("predicates.isTest.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"), ("predicates.isTest.pattern", "t.*")));

        Assert.Equal(0, infos.ErrorCount);
    }

    [Fact]
    public void Missing_and_wrong_transform_keys_are_reported_under_their_full_names()
    {
        var infos = Validator.Validate("FileStreamSource", Props(
            ("name", "src"), ("topic", "t"), ("file", "/tmp/in.txt"),
            ("transforms", "mask,cast,convert"),
            ("transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"),
            ("transforms.cast.type", "org.apache.kafka.connect.transforms.Cast$Value"), ("transforms.cast.spec", "a:faketype"),
            ("transforms.convert.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"), ("transforms.convert.target.type", "Epoch"),
            ("predicates", "p"), ("predicates.p.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"), ("predicates.p.pattern", "(")));

        Assert.Equal(["Missing required configuration \"transforms.mask.fields\" which has no default value."], Errors(infos, "transforms.mask.fields"));
        Assert.Equal(["Invalid value [a:faketype] for configuration transforms.cast.spec: Invalid type found in casting spec: faketype"], Errors(infos, "transforms.cast.spec"));
        Assert.StartsWith("Invalid value Epoch for configuration transforms.convert.target.type: String must be one of:", Assert.Single(Errors(infos, "transforms.convert.target.type")));
        Assert.StartsWith("Invalid value ( for configuration predicates.p.pattern: Invalid regex:", Assert.Single(Errors(infos, "predicates.p.pattern")));
        Assert.Equal(4, infos.ErrorCount);
    }
}
