using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>Debezium's keys, defaults and validation; the keys accepted without support, one warning each.</summary>
public sealed class ConfigTests
{
    private static readonly Dictionary<string, string> Minimal = new()
    {
        ["database.hostname"] = "db.example", ["database.user"] = "u", ["database.password"] = "p", ["database.dbname"] = "inventory", ["topic.prefix"] = "srv",
    };

    [Fact]
    public void Defaults_are_Debeziums()
    {
        var config = PostgresConnectorConfig.Parse(Minimal);
        Assert.Equal(("debezium", "dbz_publication", "all_tables", "initial", true), (config.Slot, config.Publication, config.AutocreateMode, config.Snapshot, config.Tombstones));
        Assert.Equal(("precise", "adaptive", "bytes"), (config.Decimals, config.TimePrecision, config.Binary));
        Assert.Equal(['t'], config.Skipped);
        Assert.Equal(10240, config.FetchSize);
        Assert.Equal((1024, null), (config.IncrementalChunkSize, config.SignalTable));
        Assert.Equal("pgoutput", PostgresConnectorConfig.Definition()["plugin.name"]!.DefaultValue);
        Assert.Equal(5432, PostgresConnectorConfig.Definition()["database.port"]!.DefaultValue);
    }

    [Fact]
    public void Validation_names_the_key_and_what_it_accepts()
    {
        IReadOnlyList<string> ErrorsOf(string key, string value) =>
            new PostgresConnector().Validate(new Dictionary<string, string>(Minimal) { [key] = value }).Single(v => v.Name == key).Errors;

        Assert.Contains(ErrorsOf("plugin.name", "decoderbufs"), e => e.Contains("Set plugin.name=pgoutput", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("publication.autocreate.mode", "some"), e => e.Contains("all_tables, filtered, disabled", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("decimal.handling.mode", "exact"), e => e.Contains("precise, double, string", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("time.precision.mode", "nanos"), e => e.Contains("adaptive, adaptive_time_microseconds, connect", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("snapshot.mode", "sometimes"), e => e.Contains("when_needed", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("slot.name", "My-Slot"), e => e.Contains("lower-case", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("table.include.list", "public.(a"), e => e.Contains("not a regular expression", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("skipped.operations", "x"), e => e.Contains("use c, u, d, t or none", StringComparison.Ordinal));
        Assert.Contains(new PostgresConnector().Validate(new Dictionary<string, string> { ["topic.prefix"] = "p" }).Single(v => v.Name == "database.hostname").Errors,
            e => e.Contains("Missing required configuration", StringComparison.Ordinal));
        Assert.All(new PostgresConnector().Validate(Minimal), v => Assert.Empty(v.Errors));

        var both = new Dictionary<string, string>(Minimal) { ["table.include.list"] = "public.a", ["table.exclude.list"] = "public.b" };
        Assert.Contains(new PostgresConnector().Validate(both).Single(v => v.Name == "table.exclude.list").Errors, e => e.Contains("exclusive", StringComparison.Ordinal));
        Assert.Equal("table.exclude.list", Assert.Throws<ConfigException>(() => PostgresConnectorConfig.Parse(both)).Name);
        var bothColumns = new Dictionary<string, string>(Minimal) { ["column.include.list"] = "public.a.x", ["column.exclude.list"] = "public.a.y" };
        Assert.Contains(new PostgresConnector().Validate(bothColumns).Single(v => v.Name == "column.exclude.list").Errors, e => e.Contains("exclusive", StringComparison.Ordinal));
        var queueTooSmall = new Dictionary<string, string>(Minimal) { ["max.batch.size"] = "100", ["max.queue.size"] = "100" };
        Assert.Contains(new PostgresConnector().Validate(queueTooSmall).Single(v => v.Name == "max.queue.size").Errors,
            e => e.Contains("max.queue.size must be larger than max.batch.size (100)", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("column.include.list", "public.a.(x"), e => e.Contains("not a regular expression", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("message.key.columns", "public.a"), e => e.Contains("'public.a' is not <table regex>:<column>", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("message.key.columns", "public.(a:x"), e => e.Contains("not a regular expression", StringComparison.Ordinal));
        Assert.Empty(ErrorsOf("message.key.columns", " public.a:x, y ; .*\\.b:z"));
        Assert.Contains(ErrorsOf("signal.data.collection", "db.public.signal"), e => e.Contains("is not schema.table", StringComparison.Ordinal));
        Assert.Equal(("My Schema", "signal"), PostgresConnectorConfig.Parse(new Dictionary<string, string>(Minimal) { ["signal.data.collection"] = "\"My Schema\".signal" }).SignalTable);
    }

    [Fact]
    public void Signal_channels_default_as_in_Debezium_and_a_wrong_one_or_a_missing_topic_server_or_file_names_the_key_and_the_fix()
    {
        var defaults = PostgresConnectorConfig.Parse(Minimal);
        Assert.Equal(["source"], defaults.SignalChannels);
        Assert.Equal(("srv-signal", "kafka-signal", 5000L, (string?)null), (defaults.SignalTopic, defaults.SignalGroup, defaults.SignalPollMs, defaults.SignalFilePath));

        Assert.Contains(ErrorsOf("signal.enabled.channels", ("signal.enabled.channels", "source,jms")), e => e.Contains("'jms' is no signal channel; use source, kafka or file", StringComparison.Ordinal));
        // Debezium's jmx channel: a Debezium config naming it carries over, with one warning, and the channel is left out.
        var jmx = new Dictionary<string, string>(Minimal) { ["signal.enabled.channels"] = "source, JMX" };
        Assert.Empty(ErrorsOf("signal.enabled.channels", ("signal.enabled.channels", "source, JMX")));
        Assert.Equal(["source"], PostgresConnectorConfig.Parse(jmx).SignalChannels);
        Assert.Contains(PostgresConnectorConfig.Warnings(jmx), w => w.StartsWith("signal.enabled.channels names jmx, Debezium's JMX channel, which needs a JVM: it is ignored here", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("signal.kafka.bootstrap.servers", ("signal.enabled.channels", "source, kafka")),
            e => e.Contains("set signal.kafka.bootstrap.servers to its host:port", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("signal.file", ("signal.enabled.channels", "file")), e => e.Contains("set signal.file to the path", StringComparison.Ordinal));
        Assert.Equal("signal.file", Assert.Throws<ConfigException>(() => PostgresConnectorConfig.Parse(new Dictionary<string, string>(Minimal) { ["signal.enabled.channels"] = "FILE" })).Name);

        var kafka = new Dictionary<string, string>(Minimal)
        {
            ["signal.enabled.channels"] = "source,kafka", ["signal.kafka.bootstrap.servers"] = "k:9092", ["signal.consumer.security.protocol"] = "SSL",
        };
        var parsed = PostgresConnectorConfig.Parse(kafka);
        Assert.Equal(("k:9092", "SSL"), (parsed.SignalServers, parsed.SignalConsumer["security.protocol"]));
        // Debezium's pass-through consumer keys are no unknown keys.
        Assert.Empty(PostgresConnectorConfig.Warnings(kafka));
    }

    [Fact]
    public void Notification_channels_are_none_by_default_jmx_is_ignored_with_a_warning_and_an_unknown_one_or_sink_without_its_topic_names_the_key_and_the_fix()
    {
        Assert.Empty(PostgresConnectorConfig.Parse(Minimal).NotificationChannels);
        var jmx = new Dictionary<string, string>(Minimal) { ["notification.enabled.channels"] = "log,jmx" };
        Assert.Empty(ErrorsOf("notification.enabled.channels", ("notification.enabled.channels", "log,jmx")));
        Assert.Equal(["log"], PostgresConnectorConfig.Parse(jmx).NotificationChannels);
        Assert.Contains(PostgresConnectorConfig.Warnings(jmx), w => w.StartsWith("notification.enabled.channels names jmx, Debezium's JMX channel, which needs a JVM: it is ignored here", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("notification.enabled.channels", ("notification.enabled.channels", "email")),
            e => e.Contains("'email' is no notification channel; use sink or log", StringComparison.Ordinal));
        Assert.Contains(ErrorsOf("notification.sink.topic.name", ("notification.enabled.channels", "log, sink")),
            e => e.Contains("set notification.sink.topic.name to it", StringComparison.Ordinal));

        var both = new Dictionary<string, string>(Minimal) { ["notification.enabled.channels"] = "SINK,log", ["notification.sink.topic.name"] = "notes" };
        var parsed = PostgresConnectorConfig.Parse(both);
        Assert.Equal(["log", "sink"], parsed.NotificationChannels.Order());
        Assert.Equal("notes", parsed.NotificationTopic);
        Assert.Empty(PostgresConnectorConfig.Warnings(both));
    }

    private static IReadOnlyList<string> ErrorsOf(string key, params (string Key, string Value)[] props)
    {
        var config = new Dictionary<string, string>(Minimal);
        foreach (var (k, v) in props)
        {
            config[k] = v;
        }

        return new PostgresConnector().Validate(config).Single(v => v.Name == key).Errors;
    }

    [Fact]
    public void Unsupported_and_unknown_keys_get_one_warning_each_naming_the_key()
    {
        var props = new Dictionary<string, string>(Minimal)
        {
            ["provide.transaction.metadata"] = "true", ["include.unknown.datatypes"] = "true", ["slot.stream.params"] = "x=1",
            ["databse.port"] = "5433", ["transforms"] = "unwrap", ["transforms.unwrap.type"] = "io.debezium.transforms.ExtractNewRecordState", ["tasks.max"] = "1",
        };
        var warnings = PostgresConnectorConfig.Warnings(props);
        Assert.Equal(4, warnings.Count);
        Assert.Single(warnings, w => w.Contains("provide.transaction.metadata", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains("include.unknown.datatypes", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains("slot.stream.params", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains("Unknown key databse.port", StringComparison.Ordinal));
        Assert.Empty(PostgresConnectorConfig.Warnings(Minimal));
    }

    [Fact]
    public void The_task_shows_each_warning_in_turn_so_the_runtime_logs_every_one()
    {
        var task = new PostgresSourceTask();
        task.Start(new Dictionary<string, string>(Minimal)
        {
            ["database.hostname"] = "127.0.0.1", ["database.port"] = "1", ["include.unknown.datatypes"] = "true", ["slot.stream.params"] = "x=1",
        });
        var shown = new List<string?>();
        for (var i = 0; i < 2; i++)
        {
            // Nothing listens on port 1: each poll fails to connect, after taking the next warning.
            Assert.ThrowsAny<ConnectException>(() => task.Poll());
            shown.Add(task.LastWarning);
        }

        Assert.Contains("include.unknown.datatypes", shown[0], StringComparison.Ordinal);
        Assert.Contains("slot.stream.params", shown[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtimes_validate_answers_with_the_errors_on_their_keys_as_for_the_JDBC_connectors()
    {
        var validator = new ActorConnect.Runtime.Validation.ConnectorConfigValidator(ActorConnect.Runtime.Plugins.PluginRegistry.Create([typeof(PostgresConnector).Assembly], []));
        var props = new Dictionary<string, string>(Minimal)
        {
            ["name"] = "cdc", ["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector", ["decimal.handling.mode"] = "exact",
            ["table.include.list"] = "public.a", ["table.exclude.list"] = "public.b",
        };
        var infos = validator.Validate("io.debezium.connector.postgresql.PostgresConnector", props);
        Assert.Equal("io.debezium.connector.postgresql.PostgresConnector", infos.Name);
        Assert.Equal(1, infos.ErrorCount);
        Assert.Contains(infos.Configs.Single(c => c.Value.Name == "decimal.handling.mode").Value.Errors, e => e.Contains("precise, double, string", StringComparison.Ordinal));

        props["decimal.handling.mode"] = "double";
        infos = validator.Validate("PostgresConnector", props);
        Assert.Equal(1, infos.ErrorCount);
        Assert.Contains(infos.Configs.Single(c => c.Value.Name == "table.exclude.list").Value.Errors, e => e.Contains("exclusive", StringComparison.Ordinal));
    }

    [Fact]
    public void The_connector_answers_to_Debeziums_class_name_and_runs_one_task()
    {
        Assert.Contains("io.debezium.connector.postgresql.PostgresConnector", PostgresConnector.Aliases);
        var connector = new PostgresConnector();
        connector.Start(Minimal);
        Assert.Single(connector.TaskConfigs(5));
        Assert.Equal(typeof(PostgresSourceTask), connector.TaskType);
    }

    [Fact]
    public void The_host_finds_the_family_beside_it_and_shows_Debeziums_class_name()
    {
        // The registry a worker builds: bundled families (ActorConnect.Connectors.*.dll beside the host) and loaded assemblies.
        var registry = ActorConnect.Runtime.Plugins.PluginRegistry.CreateDefault([]);
        var plugin = registry.TryResolve("io.debezium.connector.postgresql.PostgresConnector");
        Assert.NotNull(plugin);
        Assert.Equal(plugin, registry.TryResolve("PostgresConnector"));
        Assert.Equal("io.debezium.connector.postgresql.PostgresConnector", plugin.ClassName);
        Assert.True(plugin.IsSource);
    }

    [Fact]
    public void The_sample_connector_file_is_valid_and_reads_Debeziums_escaped_regex()
    {
        var props = ActorConnect.Runtime.Config.JavaProperties.Load(Path.Combine(TestSupport.RepoPaths.RepoRoot, "config", "postgres-cdc.properties"));
        Assert.All(new PostgresConnector().Validate(props), v => Assert.Empty(v.Errors));
        Assert.Empty(PostgresConnectorConfig.Warnings(props));
        var config = PostgresConnectorConfig.Parse(props);
        Assert.True(config.Captures("inventory", "customers"));
        Assert.False(config.Captures("public", "customers"));
    }

    [Fact]
    public void Only_logical_wal_level_passes_the_check_and_the_message_says_how_to_fix_it()
    {
        Assert.Null(ReplicationSetup.WalLevelProblem("logical"));
        var problem = ReplicationSetup.WalLevelProblem("replica")!;
        Assert.Contains("wal_level=replica", problem, StringComparison.Ordinal);
        Assert.Contains("ALTER SYSTEM SET wal_level = logical", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_keep_Debeziums_shape_and_read_back()
    {
        var offset = new CdcOffset(100, 50, 120, 7, 1_700_000_000_000_000);
        var map = offset.ToMap();
        Assert.Equal(["lsn", "lsn_commit", "lsn_proc", "ts_usec", "txId"], map.Keys.Order());
        Assert.Equal(offset, CdcOffset.FromMap(map));
        // Debezium's older offsets have no lsn_commit: the change's own LSN stands in.
        Assert.Equal(100UL, CdcOffset.FromMap(new Dictionary<string, object?> { ["lsn"] = 100L, ["txId"] = 7L })!.CommitLsn);
        Assert.Contains("has no 'lsn'", Assert.Throws<ConnectException>(() => CdcOffset.FromMap(new Dictionary<string, object?> { ["position"] = 1L })).Message);

        // Offsets altered over REST while STOPPED: Debezium's shape passes, a reset passes, anything else is refused.
        var partition = CdcOffset.Partition("srv");
        Assert.True(new PostgresConnector().AlterOffsets(Minimal, new Dictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> { [partition] = map }));
        Assert.True(new PostgresConnector().AlterOffsets(Minimal, new Dictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> { [partition] = null }));
        Assert.Throws<ConnectException>(() => new PostgresConnector().AlterOffsets(Minimal,
            new Dictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> { [partition] = new Dictionary<string, object?> { ["lsn"] = "x" } }));
    }
}
