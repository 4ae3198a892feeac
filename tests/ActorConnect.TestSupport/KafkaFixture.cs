using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Testcontainers.Kafka;
using Xunit;

namespace ActorConnect.TestSupport;

/// <summary>
/// A real Kafka broker for integration tests, found in this order:
/// <list type="number">
/// <item><c>KAFKA_BOOTSTRAP_SERVERS</c> (what CI's <c>scripts/test.sh</c> sets; legacy when <c>KAFKA_BROKER_LEGACY=1</c>),</item>
/// <item>a Testcontainers broker when a Docker engine answers (modern protocol),</item>
/// <item>the local Kafka 0.9.0.1 from <c>scripts/kafka-local.sh</c>, installed and started on demand (legacy).</item>
/// </list>
/// Tests must not assume modern features: on a legacy (0.9) broker headers, timestamps, zstd, idempotence, transactions
/// and AdminClient topic creation are unavailable or silently dropped; branch on <see cref="IsLegacyBroker"/>.
/// </summary>
/// <remarks>
/// xunit only honours collection definitions declared in the test assembly, so each test project declares its own
/// one-liner: <c>[CollectionDefinition("kafka")] public sealed class KafkaCollection : ICollectionFixture&lt;KafkaFixture&gt; { }</c>
/// and tests opt in with <c>[Collection("kafka")]</c>.
/// </remarks>
public sealed class KafkaFixture : IAsyncLifetime
{
    /// <summary>A modern image that still has a ZooKeeper-free single-node mode Testcontainers knows how to start.</summary>
    public const string ContainerImage = "confluentinc/cp-kafka:7.5.12";

    private KafkaContainer? _container;
    private string? _lease;

    public string BootstrapServers { get; private set; } = "";

    /// <summary>True for the 0.9.0.1 broker: clients need the version fallback and topics are created through ZooKeeper.</summary>
    public bool IsLegacyBroker { get; private set; }

    /// <summary>Where the broker came from ("env", "testcontainers" or "kafka-local"), for diagnostics.</summary>
    public string Source { get; private set; } = "";

    public string RepoRoot => RepoPaths.RepoRoot;

    public async Task InitializeAsync()
    {
        var fromEnv = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            BootstrapServers = fromEnv.Trim();
            IsLegacyBroker = Environment.GetEnvironmentVariable("KAFKA_BROKER_LEGACY") == "1";
            Source = "env";
            return;
        }

        if (await DockerProbe.IsAvailableAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false))
        {
            _container = new KafkaBuilder(ContainerImage).Build();
            await _container.StartAsync().ConfigureAwait(false);
            BootstrapServers = StripScheme(_container.GetBootstrapAddress());
            IsLegacyBroker = false;
            Source = "testcontainers";
            return;
        }

        await RunScriptAsync(["install"]).ConfigureAwait(false);
        // A lease rather than "did I start it": parallel test assemblies share one broker, and whichever started it
        // must not stop it while another still runs. The script stops it when the last lease is released.
        var lease = $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        var (stdout, _) = await RunScriptAsync(["start", "--lease", lease]).ConfigureAwait(false);
        _lease = lease;
        BootstrapServers = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        IsLegacyBroker = true;
        Source = "kafka-local";
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
            _container = null;
        }

        if (_lease is not null)
        {
            await RunScriptAsync(["release", _lease]).ConfigureAwait(false);
            _lease = null;
        }
    }

    /// <summary>Points any client config at this broker, with the protocol settings a 0.9 broker needs.</summary>
    public T Apply<T>(T config) where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        config.BootstrapServers = BootstrapServers;
        if (IsLegacyBroker)
        {
            // Without these librdkafka waits for an ApiVersion response 0.9 never sends, and nothing is ever produced.
            config.ApiVersionRequest = false;
            config.BrokerVersionFallback = "0.9.0.1";
        }

        return config;
    }

    /// <summary>
    /// Worker keys that tell ActorConnect the broker's version instead of letting it probe: probing a 0.9 broker with
    /// ApiVersions makes its network thread drop the other requests it had just read, stalling other clients.
    /// </summary>
    public string WorkerBrokerProperties =>
        IsLegacyBroker ? "api.version.request=false\nbroker.version.fallback=0.9.0.1\n" : string.Empty;

    /// <summary>The same as <see cref="WorkerBrokerProperties"/>, as dictionary entries.</summary>
    public IEnumerable<KeyValuePair<string, string>> WorkerBrokerSettings() =>
        IsLegacyBroker
            ? new Dictionary<string, string> { ["api.version.request"] = "false", ["broker.version.fallback"] = "0.9.0.1" }
            : new Dictionary<string, string>();

    /// <summary>A name no other test (or earlier run against the same broker) uses; valid as a topic or group name.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Creates the topic (an existing one is fine) and returns once every partition has a leader.</summary>
    public async Task CreateTopicAsync(string name, int partitions)
    {
        if (IsLegacyBroker)
        {
            // The 0.9 broker has no CreateTopics API: through the ZooKeeper of scripts/kafka-local.sh, which runs
            // every legacy broker used from this repository.
            await ZooKeeperTopics.CreateAsync(ZooKeeperTopics.Port(new Dictionary<string, string>()), name, partitions).ConfigureAwait(false);
        }
        else
        {
            using var admin = new AdminClientBuilder(Apply(new AdminClientConfig())).SetLogHandler(QuietLog).Build();
            try
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }])
                    .ConfigureAwait(false);
            }
            catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
            {
            }
        }

        await WaitForPartitionsAsync(name, partitions, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the topic and returns once the broker completed the deletion (clients with auto-create may bring it back
    /// at any moment after: that is what the chaos tests want).
    /// </summary>
    public async Task DeleteTopicAsync(string name)
    {
        if (IsLegacyBroker)
        {
            await RunScriptAsync(["delete-topic", name]).ConfigureAwait(false);
            return;
        }

        using var admin = new AdminClientBuilder(Apply(new AdminClientConfig())).SetLogHandler(QuietLog).Build();
        await admin.DeleteTopicsAsync([name]).ConfigureAwait(false);
    }

    /// <summary>Produces the messages and waits until every one is acknowledged; throws on the first delivery error.</summary>
    public Task ProduceAsync(string topic, IEnumerable<(byte[]? key, byte[]? value)> messages, int? partition = null) =>
        Task.Run(() =>
        {
            var config = Apply(new ProducerConfig { Acks = Acks.All, LingerMs = 5 });
            using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler(QuietLog).Build();
            Error? firstError = null;
            var failures = 0;
            void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
            {
                if (report.Error.IsError)
                {
                    Interlocked.CompareExchange(ref firstError, report.Error, null);
                    Interlocked.Increment(ref failures);
                }
            }

            foreach (var (key, value) in messages)
            {
                var message = new Message<byte[]?, byte[]?> { Key = key, Value = value };
                while (true)
                {
                    try
                    {
                        if (partition is { } p)
                        {
                            producer.Produce(new TopicPartition(topic, new Partition(p)), message, OnDelivery);
                        }
                        else
                        {
                            producer.Produce(topic, message, OnDelivery);
                        }

                        break;
                    }
                    catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        // Back-pressure, not failure: serve delivery reports to make room, then retry.
                        producer.Poll(TimeSpan.FromMilliseconds(100));
                    }
                }
            }

            var deadline = Stopwatch.StartNew();
            while (producer.Flush(TimeSpan.FromSeconds(1)) > 0)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"Messages to {topic} still unacknowledged after 60 s");
                }
            }

            if (firstError is not null)
            {
                throw new KafkaException(new Error(firstError.Code, $"{failures} message(s) to {topic} failed; first: {firstError.Reason}"));
            }
        });

    /// <summary>The sum of the topic's high watermarks: how many records it holds (nothing is deleted in a test).</summary>
    public Task<long> HighWatermarkAsync(string topic) =>
        Task.Run(async () =>
        {
            var partitions = await WaitForPartitionsAsync(topic, minPartitions: 1, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var config = Apply(new ConsumerConfig { GroupId = UniqueName("fixture-marks"), EnableAutoCommit = false });
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler(QuietLog).Build();
            return partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, new Partition(p)), TimeSpan.FromSeconds(10)).High.Value);
        });

    /// <summary>The sum of the offsets <paramref name="group"/> committed on the topic's partitions (one never committed counts 0).</summary>
    public Task<long> CommittedAsync(string topic, string group) =>
        Task.Run(async () =>
        {
            var partitions = await WaitForPartitionsAsync(topic, minPartitions: 1, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(Apply(new ConsumerConfig { GroupId = group, EnableAutoCommit = false })).SetLogHandler(QuietLog).Build();
            return consumer.Committed(partitions.Select(p => new TopicPartition(topic, new Partition(p))), TimeSpan.FromSeconds(10))
                .Sum(c => Math.Max(0, c.Offset.Value));
        });

    /// <summary>
    /// Reads the topic from the beginning of every partition until <paramref name="expected"/> messages arrived or the
    /// timeout passed, and returns what it got (possibly fewer; the caller asserts). Uses a fresh group id and manual
    /// assignment, so no group join or committed offset can delay or skip anything.
    /// </summary>
    public Task<List<ConsumeResult<byte[]?, byte[]?>>> ConsumeAllAsync(string topic, int expected, TimeSpan timeout) =>
        Task.Run(async () =>
        {
            var sw = Stopwatch.StartNew();
            var partitions = await WaitForPartitionsAsync(topic, minPartitions: 1, timeout).ConfigureAwait(false);
            var config = Apply(new ConsumerConfig
            {
                GroupId = UniqueName("fixture-reader"),
                EnableAutoCommit = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnablePartitionEof = false,
            });
            var results = new List<ConsumeResult<byte[]?, byte[]?>>(Math.Max(0, expected));
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler(QuietLog).Build();
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, new Partition(p), Offset.Beginning)));
            try
            {
                while (results.Count < expected)
                {
                    var left = timeout - sw.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    var result = consumer.Consume(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
                    if (result is not null && !result.IsPartitionEOF)
                    {
                        results.Add(result);
                    }
                }
            }
            finally
            {
                consumer.Close();
            }

            return results;
        });

    /// <summary>
    /// Reads every partition from its beginning up to its high watermark as it is at the call: a snapshot of the topic
    /// while writers keep writing (reading a total count instead could take newer records of one partition in place of
    /// older ones of another).
    /// </summary>
    public Task<List<ConsumeResult<byte[]?, byte[]?>>> ConsumeSnapshotAsync(string topic, TimeSpan timeout) =>
        Task.Run(async () =>
        {
            var sw = Stopwatch.StartNew();
            var partitions = await WaitForPartitionsAsync(topic, minPartitions: 1, timeout).ConfigureAwait(false);
            var config = Apply(new ConsumerConfig { GroupId = UniqueName("fixture-snapshot"), EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest });
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler(QuietLog).Build();
            var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, new Partition(p)), TimeSpan.FromSeconds(10)).High.Value);
            var results = new List<ConsumeResult<byte[]?, byte[]?>>();
            var open = ends.Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet();
            consumer.Assign(open.Select(p => new TopicPartitionOffset(topic, new Partition(p), Offset.Beginning)));
            try
            {
                while (open.Count > 0 && sw.Elapsed < timeout)
                {
                    if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { IsPartitionEOF: false } result)
                    {
                        continue;
                    }

                    var partition = result.Partition.Value;
                    if (result.Offset.Value < ends[partition])
                    {
                        results.Add(result);
                    }

                    if (result.Offset.Value >= ends[partition] - 1)
                    {
                        open.Remove(partition);
                    }
                }
            }
            finally
            {
                consumer.Close();
            }

            return open.Count == 0 ? results : throw new TimeoutException($"Reading {topic} up to its high watermarks took longer than {timeout}");
        });

    /// <summary>Polls metadata until the topic has at least <paramref name="minPartitions"/> partitions, all with a leader.</summary>
    private async Task<IReadOnlyList<int>> WaitForPartitionsAsync(string topic, int minPartitions, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(Apply(new AdminClientConfig())).SetLogHandler(QuietLog).Build();
        IReadOnlyList<int>? ready = null;
        var last = "no metadata";
        try
        {
            await Eventually.AssertAsync(() =>
            {
                try
                {
                    var t = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(x => x.Topic == topic);
                    if (t is null || t.Error.IsError)
                    {
                        last = t is null ? "topic missing from metadata" : t.Error.ToString();
                        return false;
                    }

                    last = $"{t.Partitions.Count} partition(s), leaders: {string.Join(",", t.Partitions.Select(p => p.Leader))}";
                    if (t.Partitions.Count < minPartitions || t.Partitions.Any(p => p.Leader < 0))
                    {
                        return false;
                    }

                    ready = t.Partitions.Select(p => p.PartitionId).OrderBy(p => p).ToList();
                    return true;
                }
                catch (KafkaException ex)
                {
                    last = ex.Message;
                    return false;
                }
            }, timeout, interval: TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TimeoutException($"Topic {topic} not ready within {timeout}: {last}", e);
        }

        return ready!;
    }

    /// <summary>Runs scripts/kafka-local.sh on the default ports; throws with its output when it fails.</summary>
    private static Task<(string Stdout, string Stderr)> RunScriptAsync(IReadOnlyList<string> args) =>
        KafkaLocalScript.RunAsync(new Dictionary<string, string>(), [.. args]);

    /// <summary>Testcontainers reports "PLAINTEXT://host:port/"; librdkafka wants plain host:port.</summary>
    private static string StripScheme(string address)
    {
        var i = address.IndexOf("://", StringComparison.Ordinal);
        return (i >= 0 ? address[(i + 3)..] : address).TrimEnd('/');
    }

    /// <summary>
    /// The fixture's own clients drop librdkafka's CONFWARN lines (the 0.9 fallback settings are deprecated, and say so
    /// on every client) but keep everything else on stderr for diagnosis.
    /// </summary>
    private static void QuietLog(IClient client, LogMessage message)
    {
        if (message.Facility == "CONFWARN")
        {
            return;
        }

        Console.Error.WriteLine($"{message.Level} {message.Facility} {client.Name}: {message.Message}");
    }
}
