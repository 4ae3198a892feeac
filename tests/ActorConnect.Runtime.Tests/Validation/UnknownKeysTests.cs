using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Validation;

namespace ActorConnect.Runtime.Tests.Validation;

/// <summary>
/// Keys nothing reads: accepted as Kafka Connect accepts them (no error), but each warned about with the known key it
/// is probably a typo of, a key under a prefix judged by what the prefix configures.
/// </summary>
public sealed class UnknownKeysTests
{
    // The bundled file connectors and transformations, as a host has them.
    private static readonly PluginRegistry Registry =
        PluginRegistry.Create([typeof(ActorConnect.Connectors.File.FileStreamSourceConnector).Assembly, typeof(ActorConnect.Transforms.Filter).Assembly], []);

    private static readonly ConnectorConfigValidator Validator = new(Registry);

    private static ConfigInfos Validate(params (string Key, string Value)[] extra) => Validator.Validate("FileStreamSource",
        new[] { ("name", "src"), ("file", "/tmp/in.txt"), ("topic", "t") }.Concat(extra).ToDictionary(p => p.Item1, p => p.Item2));

    [Fact]
    public void A_typo_in_tasks_max_is_warned_with_a_suggestion_and_is_no_error()
    {
        var infos = Validate(("tasks.maxx", "4"));

        Assert.Equal(0, infos.ErrorCount);
        var unknown = Assert.Single(infos.UnknownKeys);
        Assert.Equal(("tasks.maxx", "tasks.max"), (unknown.Key, unknown.Suggestion));
        Assert.Equal("Unknown configuration 'tasks.maxx' is ignored; did you mean 'tasks.max'?", unknown.Message);
    }

    [Fact]
    public void A_typo_in_a_transforms_own_key_is_checked_against_that_transform()
    {
        var infos = Validate(("transforms", "x"), ("transforms.x.type", "org.apache.kafka.connect.transforms.ExtractField$Value"),
            ("transforms.x.field", "id"), ("transforms.x.feild", "id"));

        var unknown = Assert.Single(infos.UnknownKeys);
        Assert.Equal(("transforms.x.feild", "transforms.x.field"), (unknown.Key, unknown.Suggestion));
        Assert.Contains("ExtractField$Value has no such setting", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_an_alias_not_listed_in_transforms_is_warned_with_the_listed_aliass_key()
    {
        var infos = Validate(("transforms", "mask"), ("transforms.mask.type", "MaskField$Value"), ("transforms.mask.fields", "a"), ("transforms.maks.fields", "b"));

        var unknown = Assert.Single(infos.UnknownKeys);
        Assert.Equal(("transforms.maks.fields", "transforms.mask.fields"), (unknown.Key, unknown.Suggestion));
        Assert.Contains("'maks' is not listed in transforms", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typo_in_a_producer_override_is_checked_against_the_Kafka_client_keys()
    {
        var infos = Validate(("producer.override.lingr.ms", "5"), ("producer.override.linger.ms", "5"), ("producer.override.queue.buffering.max.messages", "10"));

        var unknown = Assert.Single(infos.UnknownKeys);
        Assert.Equal(("producer.override.lingr.ms", "producer.override.linger.ms"), (unknown.Key, unknown.Suggestion));
    }

    [Fact]
    public void A_client_key_without_its_override_prefix_and_a_worker_key_are_named_as_such()
    {
        var infos = Validate(("producer.linger.ms", "5"), ("offset.flush.interval.ms", "1000"));

        Assert.Equal(["offset.flush.interval.ms", "producer.linger.ms"], infos.UnknownKeys.Select(k => k.Key));
        Assert.Contains("worker setting", infos.UnknownKeys[0].Message, StringComparison.Ordinal);
        Assert.Equal("producer.override.linger.ms", infos.UnknownKeys[1].Suggestion);
    }

    [Fact]
    public void Known_keys_of_every_kind_are_not_warned()
    {
        var infos = Validate(
            ("connector.class", "FileStreamSource"), ("tasks.max", "1"), ("batch.size", "100"),
            ("value.converter", "org.apache.kafka.connect.json.JsonConverter"), ("value.converter.schemas.enable", "false"),
            ("key.converter", "org.apache.kafka.connect.storage.StringConverter"), ("key.converter.converter.encoding", "UTF-8"),
            ("transforms", "mask"), ("transforms.mask.type", "MaskField$Value"), ("transforms.mask.fields", "a"), ("transforms.mask.predicate", "p"),
            ("predicates", "p"), ("predicates.p.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"), ("predicates.p.pattern", "t.*"),
            ("errors.tolerance", "all"), ("errors.log.enable", "true"),
            ("producer.override.linger.ms", "5"), ("producer.override.security.protocol", "PLAINTEXT"), ("producer.override.compression.codec", "lz4"),
            ("topic.creation.default.partitions", "3"));

        Assert.Equal(0, infos.ErrorCount);
        Assert.Empty(infos.UnknownKeys);
    }

    [Fact]
    public void A_worker_files_client_and_converter_typos_are_warned_and_its_other_keys_are_not()
    {
        var worker = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = "localhost:9092", ["key.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter", ["value.converter.schemas.enable"] = "false",
            ["key.converter.schemas.enabel"] = "false", ["producer.linger.ms"] = "5", ["consumer.fetch.min.byte"] = "1",
            ["admin.listeners"] = "http://127.0.0.1:8084", ["group.id"] = "g", ["security.protocol"] = "PLAINTEXT",
        };

        var unknown = UnknownKeys.InWorker(worker, Registry);

        Assert.Equal([("consumer.fetch.min.byte", "consumer.fetch.min.bytes"), ("key.converter.schemas.enabel", "key.converter.schemas.enable")],
            unknown.Select(k => (k.Key, k.Suggestion)));
    }

    [Fact]
    public void A_worker_files_top_level_typo_is_warned_as_a_near_miss_and_keys_only_kafka_or_another_part_reads_are_not()
    {
        var worker = new Dictionary<string, string>
        {
            ["bootstrap.server"] = "localhost:9092", ["offset.storage.file.filenam"] = "/tmp/offsets", ["cluster.hostnme"] = "node-1",
            // Kafka Connect's, not read here; named by another part (the caller); named freely; far from every known key.
            ["scheduled.rebalance.max.delay.ms"] = "0", ["cluster.hostname"] = "node-1", ["config.providers.file.class"] = "FileConfigProvider",
            ["listeners.https.ssl.keystore.location"] = "/ks", ["my.own.setting"] = "x",
        };

        var unknown = UnknownKeys.InWorker(worker, Registry, ["cluster.hostname"]);

        Assert.Equal([("bootstrap.server", "bootstrap.servers"), ("cluster.hostnme", "cluster.hostname"), ("offset.storage.file.filenam", "offset.storage.file.filename")],
            unknown.Select(k => (k.Key, k.Suggestion)));
    }
}
