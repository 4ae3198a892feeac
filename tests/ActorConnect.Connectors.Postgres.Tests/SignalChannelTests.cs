using System.Text;
using ActorConnect.Api.Source;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using static ActorConnect.Connectors.Postgres.Tests.SnapshotSignalTests;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>Signals from the file channel, and from the Kafka channel (a real broker), fed to the same processing as the signal table's.</summary>
public sealed class SignalFileChannelTests
{
    [Fact]
    public async Task Signals_written_to_the_signal_file_are_acted_on_while_the_database_is_quiet_once_and_the_file_is_emptied()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync($"{IncrementalSnapshotTests.SignalTable}; CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE u (id int PRIMARY KEY); " +
                           "INSERT INTO t SELECT generate_series(1, 20); INSERT INTO u SELECT generate_series(1, 5)");
        var dir = RepoPaths.NewTempDirectory("cdc-signal-file");
        var file = Path.Combine(dir, "signals.txt");
        try
        {
            // The file channel only: the signal table still takes the incremental snapshot's window marks, but a signal
            // inserted there is not acted on.
            using var task = new TaskRunner(db.Config("srv", ("table.include.list", "public\\.(t|u)"), ("signal.data.collection", "public.dbz_signal"),
                ("signal.enabled.channels", "file"), ("signal.file", file), ("signal.poll.interval.ms", "100"), ("incremental.snapshot.chunk.size", "10")));
            task.PollOnce();
            await IncrementalSnapshotTests.Signal(db, "execute-snapshot", """{"data-collections": ["public.u"], "type": "blocking"}""");
            await System.IO.File.WriteAllTextAsync(file, "not a signal\n" +
                """{"id": "f-1", "type": "execute-snapshot", "data": {"data-collections": ["public.u"], "type": "blocking"}}""" + "\n" +
                """{"id": "f-2", "type": "execute-snapshot", "data": {"data-collections": ["public.t"], "additional-conditions": [{"data-collection": "public.t", "filter": "id <= 15"}]}}""" + "\n");

            var warnings = new List<string>();
            var records = await PollUntilAsync(task, rs => rs.Count(r => Op(r) == "r") >= 20, "both snapshots are read", warnings);
            Assert.Equal(Enumerable.Range(1, 5), records.Where(r => Op(r) == "r" && Table(r) == "u").Select(Id).Order());
            Assert.Equal(Enumerable.Range(1, 15), records.Where(r => Op(r) == "r" && Table(r) == "t").Select(Id));
            Assert.Equal("", await System.IO.File.ReadAllTextAsync(file));
            Assert.Contains(warnings, w => w.StartsWith($"A line of signal file {file} is skipped: it is not a signal", StringComparison.Ordinal));

            // Read once: nothing is snapshotted again.
            await db.ExecAsync("INSERT INTO u VALUES (6)");
            var later = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c" && Table(r) == "u"), "the insert is streamed");
            Assert.DoesNotContain(later, r => Op(r) == "r");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>The Kafka signal channel against the real broker.</summary>
[Collection("kafka")]
public sealed class SignalKafkaChannelTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_signal_on_the_Kafka_topic_keyed_by_the_topic_prefix_is_acted_on_and_a_restarted_task_reads_on_after_it()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 5)");
        var topic = KafkaFixture.UniqueName("signals");
        await kafka.CreateTopicAsync(topic, 1);
        var config = KafkaConfig(db, "srv", topic, KafkaFixture.UniqueName("signal-group"));
        await Produce(topic, ("other", """{"type": "execute-snapshot", "data": {"data-collections": ["public.t"], "type": "blocking"}}"""),
            ("srv", """{"type": "execute-snapshot", "data": {"data-collections": ["public.t"]}}"""),
            ("srv", """{"type": "execute-snapshot", "data": {"data-collections": ["public.t"], "type": "blocking", "additional-conditions": [{"data-collection": "public.t", "filter": "SELECT * FROM public.t WHERE id > 2"}]}}"""));

        var offsets = new TaskRunner.MemoryOffsets();
        var warnings = new List<string>();
        using (var task = new TaskRunner(config, offsets))
        {
            var records = await PollUntilAsync(task, rs => rs.Count(r => Op(r) == "r") >= 3 && warnings.Any(w => w.Contains("incremental", StringComparison.Ordinal)),
                "the blocking snapshot and the warning", warnings);
            // The record keyed by another connector's prefix is not for this one.
            Assert.Equal([3, 4, 5], records.Where(r => Op(r) == "r").Select(Id).Order());
            Assert.Contains(warnings, w => w.StartsWith($"Signal '{topic}@1' (execute-snapshot) from Kafka topic {topic} is ignored: an incremental snapshot writes its window marks to the signal table",
                StringComparison.Ordinal));
            task.AcknowledgeAndStore(records);
        }

        // The group's offset is past the signals taken: a restarted task does not act on them again.
        await db.ExecAsync("INSERT INTO t VALUES (6)");
        using var restarted = new TaskRunner(config, offsets);
        var rest = await PollUntilAsync(restarted, rs => rs.Any(r => Op(r) == "c"), "the insert is streamed");
        Assert.Equal([("c", 6)], rest.Select(r => (Op(r)!, Id(r))));
    }

    [Fact]
    public async Task In_Kafka_a_blocking_snapshot_asked_for_on_the_signal_topic_sits_between_the_changes_before_and_after_it()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'old' FROM generate_series(1, 30) g");
        var prefix = KafkaFixture.UniqueName("cdc").Replace('-', '_');
        var topic = prefix + ".public.t";
        var signals = KafkaFixture.UniqueName("signals");
        var notes = KafkaFixture.UniqueName("notes");
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.CreateTopicAsync(signals, 1);
        await kafka.CreateTopicAsync(notes, 1);
        var dir = RepoPaths.NewTempDirectory("cdc-kafka-signal");
        var worker = WorkerTests.StartWorker(kafka, dir, "cdc-kafka-signal-worker", ("key.converter.schemas.enable", "false"), ("value.converter.schemas.enable", "false"));
        var logged = new System.Collections.Concurrent.ConcurrentQueue<string>();
        worker.System.EventStream.Subscribe(worker.System.ActorOf(Akka.Actor.Props.Create(() => new InfoLines(logged))), typeof(Akka.Event.Info));
        try
        {
            var config = KafkaConfig(db, prefix, signals, KafkaFixture.UniqueName("signal-group"));
            config["name"] = prefix;
            config["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector";
            config["notification.enabled.channels"] = "sink,log";
            config["notification.sink.topic.name"] = notes;
            await worker.CreateConnectorAsync(config);
            await Eventually.AssertAsync(async () => await db.ConfirmedFlushAsync() is not null, TimeSpan.FromMinutes(1), "the task created the slot");
            await db.ExecAsync("INSERT INTO t VALUES (31, 'before')");
            await Eventually.AssertAsync(async () => (await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromSeconds(30))).Count == 1, TimeSpan.FromMinutes(1), "the insert is in the topic");

            await Produce(signals, (prefix, """{"type": "execute-snapshot", "data": {"data-collections": ["public.t"], "type": "blocking", "additional-conditions": [{"data-collection": "public.t", "filter": "id % 10 = 0"}]}}"""));
            List<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> messages = [];
            await Eventually.AssertAsync(async () =>
            {
                messages = await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromSeconds(30));
                return messages.Count(m => Field(m, "op") == "r") == 3;
            }, TimeSpan.FromMinutes(1), "the snapshot's rows are in the topic");
            await db.ExecAsync("INSERT INTO t VALUES (32, 'after')");
            await Eventually.AssertAsync(async () =>
            {
                messages = await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromSeconds(30));
                return messages.Count == 5;
            }, TimeSpan.FromMinutes(1), "the insert after the snapshot is in the topic");

            // A condition (not a whole SELECT) is taken as the WHERE of the table's query.
            Assert.Equal(["c:31", "r:10", "r:20", "r:30", "c:32"], messages.Select(m => $"{Field(m, "op")}:{Node(m)["after"]!["id"]}"));
            Assert.Equal(["first", "true", "last"], messages.Where(m => Field(m, "op") == "r").Select(m => (string?)Node(m)["source"]!["snapshot"]));

            // The sink notification channel's records went through the worker's converters to their topic: the start
            // (no initial snapshot), then the blocking snapshot, as Debezium notifies both.
            List<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> notifications = [];
            await Eventually.AssertAsync(async () =>
            {
                notifications = await kafka.ConsumeSnapshotAsync(notes, TimeSpan.FromSeconds(30));
                return notifications.Any(m => Field(m, "type") == "COMPLETED");
            }, TimeSpan.FromMinutes(1), "the notifications are in their topic");
            // One SKIPPED per stream start (one here, unless the task had to reconnect).
            Assert.Equal("SKIPPED", Field(notifications[0], "type"));
            var blocking = notifications.SkipWhile(m => Field(m, "type") == "SKIPPED").ToList();
            Assert.Equal(["STARTED", "IN_PROGRESS", "TABLE_SCAN_COMPLETED", "COMPLETED"], blocking.Select(m => Field(m, "type")));
            Assert.All(notifications, m => Assert.Equal("Initial Snapshot", Field(m, "aggregate_type")));
            Assert.Equal("3", (string?)Node(blocking[2])["additional_data"]!["total_rows_scanned"]);
            Assert.All(notifications, m => Assert.Equal(Field(m, "id"), (string?)System.Text.Json.Nodes.JsonNode.Parse(m.Message.Key!)!["id"]));
            // The log channel's lines reach the worker's log at INFO, under the task's id (the runtime takes them through ITaskLog).
            Assert.Contains(logged, l => l.Contains($"Task {prefix}-0: [Notification Service] {{id='{Field(blocking[^1], "id")}', aggregateType='Initial Snapshot', type='COMPLETED'",
                StringComparison.Ordinal));
        }
        finally
        {
            await worker.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_signal_channel_whose_broker_cannot_be_reached_says_so_in_the_status_while_changes_stream_on()
    {
        await using var db = await CdcDatabase.CreateAsync();
        await db.ExecAsync("CREATE TABLE t (id int PRIMARY KEY)");
        // A loopback port nothing listens on, declared as an old broker so that the channel starts its consumer at once
        // (no probe): the failure comes from librdkafka later, while the task runs.
        var nobody = FreeLoopbackPort();
        var config = KafkaConfig(db, "srv", KafkaFixture.UniqueName("signals"), KafkaFixture.UniqueName("signal-group"));
        config["signal.kafka.bootstrap.servers"] = $"127.0.0.1:{nobody}";
        config["signal.consumer.api.version.request"] = "false";
        config["signal.consumer.broker.version.fallback"] = "0.9.0.1";
        var warnings = new List<string>();
        using var task = new TaskRunner(config);
        task.PollOnce();

        await db.ExecAsync("INSERT INTO t VALUES (1)");
        var records = await PollUntilAsync(task, rs => rs.Any(r => Op(r) == "c") && warnings.Any(w => w.Contains("signal channel", StringComparison.Ordinal)),
            "the insert is streamed and the channel's failure reported", warnings);
        Assert.Equal([("c", 1)], records.Select(r => (Op(r)!, Id(r))));
        Assert.Contains(warnings, w => w.StartsWith($"The Kafka signal channel (signal.kafka.topic {config["signal.kafka.topic"]} at signal.kafka.bootstrap.servers 127.0.0.1:{nobody}) reports: ",
            StringComparison.Ordinal));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Dictionary<string, string> KafkaConfig(CdcDatabase db, string prefix, string topic, string group)
    {
        var config = db.Config(prefix, ("table.include.list", "public\\.t"), ("signal.enabled.channels", "kafka"), ("signal.kafka.bootstrap.servers", kafka.BootstrapServers),
            ("signal.kafka.topic", topic), ("signal.kafka.groupId", group), ("signal.consumer.session.timeout.ms", "10000"));
        if (kafka.IsLegacyBroker)
        {
            // Declared, as the worker's own clients are: a 0.9 broker must not be asked ApiVersions.
            config["signal.consumer.api.version.request"] = "false";
            config["signal.consumer.broker.version.fallback"] = "0.9.0.1";
        }

        return config;
    }

    /// <summary>Collects the INFO lines of a worker's log.</summary>
    private sealed class InfoLines : Akka.Actor.ReceiveActor
    {
        public InfoLines(System.Collections.Concurrent.ConcurrentQueue<string> lines) => Receive<Akka.Event.Info>(info => lines.Enqueue(info.Message?.ToString() ?? ""));
    }

    private Task Produce(string topic, params (string Key, string Value)[] records) =>
        kafka.ProduceAsync(topic, records.Select(r => ((byte[]?)Encoding.UTF8.GetBytes(r.Key), (byte[]?)Encoding.UTF8.GetBytes(r.Value))));

    private static System.Text.Json.Nodes.JsonNode Node(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> message) =>
        System.Text.Json.Nodes.JsonNode.Parse(message.Message.Value!)!;

    private static string? Field(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> message, string name) =>
        message.Message.Value is null ? null : (string?)Node(message)[name];
}
