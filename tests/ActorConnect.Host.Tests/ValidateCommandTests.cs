using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Validation;
using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// <c>actorconnect validate</c>, run as a user runs it, with no broker anywhere: the worker file's start-up checks,
/// the connector files' validate-endpoint checks per key, and the exit code a CI pipeline gates on.
/// </summary>
public sealed class ValidateCommandTests
{
    private static string Sample(string file) => Path.Combine(RepoPaths.RepoRoot, "config", file);

    [Fact]
    public async Task The_sample_worker_and_connector_files_are_valid_and_exit_0()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-ok");
        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate",
            Sample("worker.properties"), Sample("file-source.properties"), Sample("file-sink.properties"), Sample("postgres-cdc.properties"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("worker.properties (standalone worker): valid", output, StringComparison.Ordinal);
        Assert.Contains("postgres-cdc.properties (connector inventory-cdc, io.debezium.connector.postgresql.PostgresConnector): valid", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_connector_file_gets_the_validate_endpoints_messages_on_each_key_and_exits_1()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-bad");
        var config = new Dictionary<string, string> { ["name"] = "bad", ["connector.class"] = "FileStreamSource", ["tasks.max"] = "0", ["file"] = "in.txt" };
        var connector = HostProcess.WriteConnector(dir.Path, "bad.properties", [.. config.Select(kv => (kv.Key, kv.Value))]);

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", Sample("worker.properties"), connector);

        Assert.Equal(1, exitCode);
        // What PUT /connector-plugins/FileStreamSource/config/validate answers for the same config, key by key.
        var endpoint = new ConnectorConfigValidator(PluginRegistry.CreateDefault([])).Validate("FileStreamSource", config);
        var errors = endpoint.Configs.SelectMany(c => c.Value.Errors.Select(e => $"  ERROR {c.Value.Name}: {e}")).ToList();
        Assert.Equal(2, errors.Count); // tasks.max below 1, and no topic
        Assert.All(errors, line => Assert.Contains(line, output.Split('\n')));
        Assert.Contains("bad.properties (connector bad, org.apache.kafka.connect.file.FileStreamSourceConnector): 2 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_connector_class_names_the_nearest_connector_and_exits_1()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-class");
        var connector = HostProcess.WriteConnector(dir.Path, "typo.properties", ("name", "typo"), ("connector.class", "FileStreamSorce"));

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", Sample("worker.properties"), connector);

        Assert.Equal(1, exitCode);
        Assert.Contains("ERROR connector.class: Failed to find any class that implements Connector and which name matches FileStreamSorce. Did you mean FileStreamSource", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_worker_file_is_reported_per_key_and_its_connectors_are_left_unchecked_with_exit_1()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-worker");
        var worker = HostProcess.WriteConnector(dir.Path, "worker.properties", ("bootstrap.servers", "127.0.0.1:9"), ("key.converter", "org.apache.kafka.connect.json.JsonConverter"),
            ("offset.flush.interval.ms", "soon"), ("offset.storage.file.filename", dir.Combine("offsets")));

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", worker, Sample("file-source.properties"));

        Assert.Equal(1, exitCode);
        Assert.Contains("worker.properties (standalone worker): 2 error(s)", output, StringComparison.Ordinal);
        Assert.Contains("ERROR value.converter: Missing required configuration \"value.converter\" which has no default value.", output, StringComparison.Ordinal);
        Assert.Contains("ERROR offset.flush.interval.ms: Invalid value soon for configuration offset.flush.interval.ms", output, StringComparison.Ordinal);
        Assert.Contains("1 connector file(s) not checked", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_keys_are_warned_with_a_suggestion_and_leave_the_files_valid()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-unknown");
        var worker = dir.Combine("worker.properties");
        await File.WriteAllTextAsync(worker, await File.ReadAllTextAsync(Sample("worker.properties")) + "\nproducer.lingr.ms=5\n");
        // Debezium's sample with the classic typo beside the right key: the typo would silently do nothing.
        var cdc = dir.Combine("cdc.properties");
        await File.WriteAllTextAsync(cdc, await File.ReadAllTextAsync(Sample("postgres-cdc.properties")) + "\ntopic.prefx=dbserver2\n");

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", worker, cdc, Sample("file-sink.properties"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("worker.properties (standalone worker): valid, 1 warning(s)", output, StringComparison.Ordinal);
        Assert.Contains("WARN  Unknown configuration 'producer.lingr.ms' is ignored: not a Kafka client setting (Java's or librdkafka's); did you mean 'producer.linger.ms'?", output, StringComparison.Ordinal);
        Assert.Contains("cdc.properties (connector inventory-cdc, io.debezium.connector.postgresql.PostgresConnector): valid, 1 warning(s)", output, StringComparison.Ordinal);
        Assert.Contains("WARN  Unknown configuration 'topic.prefx' is ignored; did you mean 'topic.prefix'?", output, StringComparison.Ordinal);
        Assert.Contains("file-sink.properties (connector local-file-sink, org.apache.kafka.connect.file.FileStreamSinkConnector): valid\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_control_character_in_a_files_key_or_value_is_printed_escaped_never_raw()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-control");
        var source = dir.Combine("source.properties");
        // Java's properties escape: the reader turns \u001b into ESC, which a terminal would obey (colours, cursor moves).
        await File.WriteAllTextAsync(source, "name=local-file-source\nconnector.class=FileStreamSource\ntopic=t\nfile=in.txt\ntasks.max=1\\u001b[31m\nfile.typ\\u001b=x\n");

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", Sample("worker.properties"), source);

        Assert.Equal(1, exitCode);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("1\\u001b[31m", output, StringComparison.Ordinal);
        Assert.Contains("file.typ\\u001b", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_file_with_a_group_id_is_checked_as_a_distributed_worker()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-distributed");
        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", Sample("connect-distributed.properties"), Sample("file-sink.properties"));
        Assert.True(exitCode == 0, output);
        Assert.Contains("connect-distributed.properties (distributed worker): valid", output, StringComparison.Ordinal);

        var bad = dir.Combine("distributed.properties");
        await File.WriteAllTextAsync(bad, await File.ReadAllTextAsync(Sample("connect-distributed.properties")) + "\noffset.storage.partitions=0\n");
        (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", bad);
        Assert.Equal(1, exitCode);
        Assert.Contains("ERROR offset.storage.partitions: Invalid value 0 for configuration offset.storage.partitions", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connector_file_that_does_not_exist_is_named_and_exits_1()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-missing");
        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", Sample("worker.properties"), dir.Combine("nowhere.json"));

        Assert.Equal(1, exitCode);
        Assert.Contains($"ERROR Connector file {dir.Combine("nowhere.json")} does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hocon_file_is_checked_as_a_start_reads_it_and_a_bad_setting_exits_1_naming_its_key()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-hocon");
        var good = dir.Combine("good.conf");
        await File.WriteAllTextAsync(good, "actorconnect.retry.min-backoff = 2s\n");
        var bad = dir.Combine("bad.conf");
        await File.WriteAllTextAsync(bad, "actorconnect.retry.min-backoff = soon\n");

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", Sample("worker.properties"), "--hocon", good);
        Assert.True(exitCode == 0, output);
        Assert.Contains("good.conf (HOCON settings): valid", output, StringComparison.Ordinal);

        (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", Sample("worker.properties"), "--hocon", bad);
        Assert.True(exitCode == 1, output);
        Assert.Contains("bad.conf (HOCON settings): 1 error(s)", output, StringComparison.Ordinal);
        Assert.Contains("actorconnect.retry.min-backoff", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typo_of_a_top_level_worker_key_is_warned_with_the_key_it_is_near_and_a_kafka_only_key_is_not()
    {
        using var dir = RepoPaths.CreateTempDirectory("validate-worker-typo");
        var worker = dir.Combine("worker.properties");
        // heartbeat.interval.ms is Kafka Connect's and not read here: no typo. The other two are near misses.
        await File.WriteAllTextAsync(worker, await File.ReadAllTextAsync(Sample("worker.properties")) +
            "\nbootstrap.server=localhost:9092\noffset.storage.file.filenam=/tmp/offsets\nheartbeat.interval.ms=3000\n");

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "validate", worker);

        Assert.True(exitCode == 0, output);
        Assert.Contains("worker.properties (standalone worker): valid, 2 warning(s)", output, StringComparison.Ordinal);
        Assert.Contains("WARN  Unknown configuration 'bootstrap.server' is ignored; did you mean 'bootstrap.servers'?", output, StringComparison.Ordinal);
        Assert.Contains("WARN  Unknown configuration 'offset.storage.file.filenam' is ignored; did you mean 'offset.storage.file.filename'?", output, StringComparison.Ordinal);
    }
}
