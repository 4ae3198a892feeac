using ActorConnect.Api.Errors;
using ActorConnect.Connectors.File;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Validation;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Runtime.Tests.Validation;

/// <summary>The validate endpoint's answer, checked against what Kafka Connect answers for the same config.</summary>
public sealed class ConnectorConfigValidatorTests
{
    internal static readonly PluginRegistry Registry =
        PluginRegistry.Create([typeof(FileStreamSinkConnector).Assembly, typeof(MaskFieldTransformation).Assembly], []);

    private static readonly ConnectorConfigValidator Validator = new(Registry);

    private static readonly string[] CommonKeys =
    [
        "name", "connector.class", "tasks.max", "key.converter", "value.converter", "header.converter", "transforms", "predicates",
        "config.action.reload", "errors.retry.timeout", "errors.retry.delay.max.ms", "errors.tolerance", "errors.log.enable",
        "errors.log.include.messages",
    ];

    private static Dictionary<string, string> Props(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static ConfigInfo Config(ConfigInfos infos, string key) => infos.Configs.Single(c => c.Definition.Name == key);

    private static IReadOnlyList<string> AllErrors(ConfigInfos infos) => infos.Configs.SelectMany(c => c.Value.Errors).ToList();

    [Fact]
    public void A_FileStreamSink_without_topics_lists_the_common_sink_and_file_keys_with_Kafkas_topics_error()
    {
        var infos = Validator.Validate("FileStreamSink", Props(("name", "sink"), ("file", "/tmp/out.txt"), ("no.such.key", "kept")));

        Assert.Equal("org.apache.kafka.connect.file.FileStreamSinkConnector", infos.Name);
        Assert.Equal(["Common", "Transforms", "Predicates", "Error Handling", "File"], infos.Groups);
        Assert.Equal(CommonKeys.Concat([
            "topics", "topics.regex", "errors.deadletterqueue.topic.name", "errors.deadletterqueue.topic.replication.factor",
            "errors.deadletterqueue.context.headers.enable", "file"]), infos.Configs.Select(c => c.Definition.Name));

        // Kafka puts the error on both keys, and counts both.
        Assert.Equal(2, infos.ErrorCount);
        Assert.Equal(["Must configure one of topics or topics.regex"], Config(infos, "topics").Value.Errors);
        Assert.Equal(["Must configure one of topics or topics.regex"], Config(infos, "topics.regex").Value.Errors);

        var topics = Config(infos, "topics").Definition;
        Assert.Equal(("LIST", false, "", "HIGH", "Common", 4, "LONG"), (topics.Type, topics.Required, topics.DefaultValue, topics.Importance, topics.Group, topics.OrderInGroup, topics.Width));
        var tasksMax = Config(infos, "tasks.max");
        Assert.Equal(("INT", "1", "SHORT", "Tasks max", 3), (tasksMax.Definition.Type, tasksMax.Definition.DefaultValue, tasksMax.Definition.Width, tasksMax.Definition.DisplayName, tasksMax.Definition.OrderInGroup));
        Assert.Equal("1", tasksMax.Value.Value);
        var name = Config(infos, "name").Definition;
        Assert.True(name.Required);
        Assert.Null(name.DefaultValue);
        Assert.Null(Config(infos, "key.converter").Definition.DefaultValue);
        Assert.Equal(("SHORT", "3"), (Config(infos, "errors.deadletterqueue.topic.replication.factor").Definition.Type, Config(infos, "errors.deadletterqueue.topic.replication.factor").Value.Value));
        Assert.Equal(("BOOLEAN", "false"), (Config(infos, "errors.log.enable").Definition.Type, Config(infos, "errors.log.enable").Definition.DefaultValue));
        Assert.Equal("Error Handling", Config(infos, "errors.tolerance").Definition.Group);
        Assert.Equal("Transforms", Config(infos, "transforms").Definition.Group);
        Assert.Equal("FileStreamSink", Config(infos, "connector.class").Value.Value);
        Assert.DoesNotContain(infos.Configs, c => c.Definition.Name == "no.such.key");
    }

    [Fact]
    public void A_valid_sink_has_no_errors_and_shows_values_as_parsed()
    {
        var infos = Validator.Validate("org.apache.kafka.connect.file.FileStreamSinkConnector",
            Props(("name", "sink"), ("topics", " a , b"), ("tasks.max", "3"), ("errors.tolerance", "all")));

        Assert.Equal(0, infos.ErrorCount);
        Assert.Equal("a,b", Config(infos, "topics").Value.Value);
        Assert.Equal("3", Config(infos, "tasks.max").Value.Value);
        Assert.Null(Config(infos, "file").Value.Value);
    }

    [Fact]
    public void A_FileStreamSource_has_no_topics_keys_but_its_dead_letter_queue_and_reports_topic_and_tasks_max()
    {
        var infos = Validator.Validate("FileStreamSource", Props(("name", "src"), ("tasks.max", "0")));

        Assert.Equal("org.apache.kafka.connect.file.FileStreamSourceConnector", infos.Name);
        Assert.Equal(["Common", "Transforms", "Predicates", "Error Handling", "File"], infos.Groups);
        // Beyond Kafka Connect, source connectors have a dead-letter queue too.
        Assert.Equal(CommonKeys.Concat(["errors.deadletterqueue.topic.name", "errors.deadletterqueue.topic.replication.factor",
            "errors.deadletterqueue.context.headers.enable", "file", "topic", "batch.size"]), infos.Configs.Select(c => c.Definition.Name));
        Assert.Equal(2, infos.ErrorCount);
        Assert.Equal(["Invalid value 0 for configuration tasks.max: Value must be at least 1"], Config(infos, "tasks.max").Value.Errors);
        Assert.Equal(["Missing required configuration \"topic\" which has no default value."], Config(infos, "topic").Value.Errors);
        Assert.Equal("2000", Config(infos, "batch.size").Definition.DefaultValue);
    }

    [Theory]
    [InlineData("tasks.max", "many", "Invalid value many for configuration tasks.max: Not a number of type INT")]
    [InlineData("errors.tolerance", "some", "Invalid value some for configuration errors.tolerance: String must be one of: none, all")]
    [InlineData("value.converter", "com.example.AvroConverter", "Invalid value com.example.AvroConverter for configuration value.converter: Class com.example.AvroConverter could not be found.")]
    [InlineData("name", "", "Invalid value  for configuration name: String may not be empty")]
    [InlineData("name", "a\nb", "Invalid value a\nb for configuration name: String may not contain control sequences but had the following ASCII chars: 10")]
    [InlineData("topics.regex", "(unclosed", "Invalid value (unclosed for configuration topics.regex: not a valid regular expression")]
    public void A_bad_common_value_is_an_error_on_its_key(string key, string value, string error)
    {
        var props = Props(("name", "sink"), ("topics", "t"));
        props[key] = value;
        if (key == "topics.regex")
        {
            props.Remove("topics");
        }

        var infos = Validator.Validate("FileStreamSink", props);

        Assert.StartsWith(error, Assert.Single(AllErrors(infos)));
        Assert.StartsWith(error, Assert.Single(Config(infos, key).Value.Errors));
    }

    [Fact]
    public void A_missing_connector_class_is_filled_in_from_the_plugin_and_a_different_one_is_refused()
    {
        var infos = Validator.Validate("FileStreamSource", Props(("name", "src"), ("topic", "t")));
        Assert.Equal(0, infos.ErrorCount);
        Assert.Equal("FileStreamSource", Config(infos, "connector.class").Value.Value);

        var error = Assert.Throws<BadRequestException>(() => Validator.Validate("FileStreamSource", Props(("connector.class", "FileStreamSink"))));
        Assert.Equal("Included connector type FileStreamSink does not match request type FileStreamSource", error.Message);

        // Another name of the same connector is fine.
        Assert.Equal(0, Validator.Validate("FileStreamSource", Props(("name", "s"), ("topic", "t"), ("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"))).ErrorCount);
    }

    [Fact]
    public void At_create_time_a_missing_connector_class_is_rejected_naming_it()
    {
        var error = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(Props(("name", "x"), ("topics", "t")), Registry));
        Assert.Equal("Missing required configuration \"connector.class\" which has no default value.", error.Message);
    }

    [Fact]
    public void Passwords_are_hidden_even_when_the_connectors_Validate_echoes_them()
    {
        var infos = Validator.Validate("SecretSink", Props(("name", "s"), ("topics", "t"), ("db.password", "hunter2")));

        var password = Config(infos, "db.password");
        Assert.Equal("PASSWORD", password.Definition.Type);
        Assert.Equal("[hidden]", password.Value.Value);
        Assert.Equal(["Invalid value [hidden] for configuration db.password: Password must have at least 8 characters"], password.Value.Errors);
        Assert.Equal("Database", password.Definition.Group);
        Assert.Contains("Database", infos.Groups);
        Assert.DoesNotContain(infos.Configs, c => c.Value.Value == "hunter2" || c.Value.Errors.Any(e => e.Contains("hunter2", StringComparison.Ordinal)));

        var viaWorker = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(Props(("name", "s"), ("connector.class", "SecretSink"), ("topics", "t"), ("db.password", "hunter2")), Registry));
        Assert.DoesNotContain("hunter2", viaWorker.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_transform_alias_needs_a_known_type_and_gets_its_keys_in_its_own_group()
    {
        var infos = Validator.Validate("FileStreamSource", Props(
            ("name", "src"), ("topic", "t"),
            ("transforms", "mask,missing,typo"),
            ("transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"),
            ("transforms.typo.type", "org.apache.kafka.connect.transforms.NoSuchThing")));

        Assert.Equal(["Common", "Transforms", "Predicates", "Error Handling", "Transforms: mask", "Transforms: missing", "Transforms: typo", "File"], infos.Groups);
        var type = Config(infos, "transforms.mask.type");
        Assert.Equal(("CLASS", true, "HIGH", "Transforms: mask", 0, "LONG"), (type.Definition.Type, type.Definition.Required, type.Definition.Importance, type.Definition.Group, type.Definition.OrderInGroup, type.Definition.Width));
        Assert.Empty(type.Value.Errors);
        Assert.Contains("org.apache.kafka.connect.transforms.MaskField$Value", type.Value.RecommendedValues);
        Assert.Equal(["Missing required configuration \"fields\" which has no default value."],
            Config(infos, "transforms.mask.fields").Value.Errors.Select(e => e.Replace("transforms.mask.", "", StringComparison.Ordinal)));
        Assert.Equal("Transforms: mask", Config(infos, "transforms.mask.fields").Definition.Group);
        Assert.Equal(["Missing required configuration \"transforms.missing.type\" which has no default value."], Config(infos, "transforms.missing.type").Value.Errors);
        Assert.Equal(["Invalid value org.apache.kafka.connect.transforms.NoSuchThing for configuration transforms.typo.type: Class org.apache.kafka.connect.transforms.NoSuchThing could not be found."],
            Config(infos, "transforms.typo.type").Value.Errors);
        Assert.Equal(3, infos.ErrorCount);
    }

    [Fact]
    public void A_transform_predicate_must_be_a_listed_predicate_with_a_known_type()
    {
        var infos = Validator.Validate("FileStreamSource", Props(
            ("name", "src"), ("topic", "t"),
            ("transforms", "mask,other"),
            ("transforms.mask.type", "MaskFieldTransformation"), ("transforms.mask.fields", "ssn"),
            ("transforms.mask.predicate", "isSecret"),
            ("transforms.other.type", "MaskField"), ("transforms.other.fields", "ssn"),
            ("transforms.other.predicate", "notListed"),
            ("predicates", "isSecret,bad"),
            ("predicates.isSecret.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"), ("predicates.isSecret.pattern", "secret-.*"),
            ("predicates.bad.type", "MaskField")));

        Assert.Empty(Config(infos, "transforms.mask.predicate").Value.Errors);
        Assert.Equal(["Invalid value notListed for configuration transforms.other.predicate: Transformation 'other' refers to predicate 'notListed', which is not listed in predicates"],
            Config(infos, "transforms.other.predicate").Value.Errors);
        Assert.Equal("Predicates: isSecret", Config(infos, "predicates.isSecret.pattern").Definition.Group);
        // A transformation is not a predicate.
        Assert.Equal(["Invalid value MaskField for configuration predicates.bad.type: Class MaskField could not be found."], Config(infos, "predicates.bad.type").Value.Errors);
        Assert.Equal(2, infos.ErrorCount);
    }

    [Fact]
    public void Negate_without_predicate_and_duplicate_aliases_are_errors()
    {
        var infos = Validator.Validate("FileStreamSource", Props(
            ("name", "src"), ("topic", "t"),
            ("transforms", "mask,mask"), ("transforms.mask.type", "MaskField"), ("transforms.mask.fields", "x"), ("transforms.mask.negate", "true")));

        Assert.Equal(["Invalid value [mask, mask] for configuration transforms: Duplicate alias provided."], Config(infos, "transforms").Value.Errors);
        Assert.Equal(["Invalid value MaskField for configuration transforms.mask.type: Config 'transforms.mask.negate' was provided but there is no config 'transforms.mask.predicate' defining a predicate to be negated."],
            Config(infos, "transforms.mask.type").Value.Errors);
    }

    [Fact]
    public void An_unknown_plugin_is_not_found_naming_the_nearest_connector()
    {
        var error = Assert.Throws<NotFoundException>(() => Validator.Validate("FileStreamSorce", Props()));

        Assert.StartsWith("Failed to find any class that implements Connector and which name matches FileStreamSorce. " +
                          "Did you mean FileStreamSource (org.apache.kafka.connect.file.FileStreamSourceConnector)? Available connectors: ", error.Message);
        Assert.Contains("org.apache.kafka.connect.file.FileStreamSinkConnector", error.Message);

        var far = Assert.Throws<NotFoundException>(() => Validator.Validate("io.confluent.connect.jdbc.JdbcSourceConnector", Props()));
        Assert.DoesNotContain("Did you mean", far.Message);

        // Creating a connector names the same suggestion, as a bad request.
        var atCreate = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(Props(("name", "x"), ("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConector")), Registry));
        Assert.Contains("Did you mean FileStreamSinkConnector (org.apache.kafka.connect.file.FileStreamSinkConnector)?", atCreate.Message);
    }

    [Fact]
    public void An_invalid_config_at_create_time_uses_Kafkas_message_listing_every_error()
    {
        var error = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(Props(("name", "sink"), ("connector.class", "FileStreamSink"), ("tasks.max", "0")), Registry));

        Assert.Equal(
            "Connector configuration is invalid and contains the following 3 error(s):\n" +
            "Invalid value 0 for configuration tasks.max: Value must be at least 1\n" +
            "Must configure one of topics or topics.regex\n" +
            "Must configure one of topics or topics.regex\n" +
            "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
            error.Message);
    }

    [Fact]
    public void A_dlq_topic_among_the_consumed_topics_is_an_error()
    {
        var infos = Validator.Validate("FileStreamSink", Props(("name", "s"), ("topics", "a,dlq"), ("errors.deadletterqueue.topic.name", "dlq")));
        Assert.Equal(["The DLQ topic 'dlq' may not be included in the list of topics ('topics=[a, dlq]') consumed by the connector"], Config(infos, "topics").Value.Errors);

        var regex = Validator.Validate("FileStreamSink", Props(("name", "s"), ("topics.regex", "d.*"), ("errors.deadletterqueue.topic.name", "dlq")));
        Assert.Single(Config(regex, "topics.regex").Value.Errors);
    }
}
