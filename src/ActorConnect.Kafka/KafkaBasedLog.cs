using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ActorConnect.Kafka;

/// <summary>Where a <see cref="KafkaBasedLog"/> lives and how its topic is made.</summary>
/// <param name="BootstrapServers">Kafka's <c>bootstrap.servers</c>.</param>
/// <param name="Topic">The topic, compacted: the latest value per key is the state.</param>
/// <param name="Partitions">Partitions when the log creates the topic.</param>
/// <param name="ReplicationFactor">Replication factor when the log creates the topic (-1: the broker's default).</param>
public sealed record KafkaLogSettings(string BootstrapServers, string Topic, int Partitions, short ReplicationFactor)
{
    /// <summary>The broker's features; a legacy broker cannot create topics through the admin API.</summary>
    public BrokerFeatures BrokerFeatures { get; init; } = BrokerFeatures.Modern;

    /// <summary>librdkafka properties for the log's producer, consumer and admin clients (security settings and such).</summary>
    public IReadOnlyDictionary<string, string> ClientProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a start, a write or a read to the end may take, and the bounds of a stop.</summary>
    public KafkaLogTimeouts Timeouts { get; init; } = KafkaLogTimeouts.Default;

    /// <summary>How long a start, a write or a read to the end may take.</summary>
    public TimeSpan Timeout => Timeouts.Operation;
}

/// <summary>The <c>actorconnect.internal-topics</c> section (defaults in hocon/actorconnect.conf, which explains them).</summary>
/// <param name="Operation">How long a start, a write or a read to the end may take.</param>
/// <param name="Stop">How long a stopping log waits for its reader thread to end.</param>
/// <param name="Flush">How long a stopping log waits for its producer's unsent records.</param>
public sealed record KafkaLogTimeouts(TimeSpan Operation, TimeSpan Stop, TimeSpan Flush)
{
    private static readonly Lazy<KafkaLogTimeouts> Defaults = new(() => Create(KafkaStageSettings.DefaultConfig()));

    /// <summary>The timeouts of hocon/actorconnect.conf as shipped.</summary>
    public static KafkaLogTimeouts Default => Defaults.Value;

    /// <summary>Reads the timeouts from a config holding the <c>actorconnect</c> section.</summary>
    /// <exception cref="Api.Errors.ConfigException">A value is missing or bad; the message names its key.</exception>
    public static KafkaLogTimeouts Create(Akka.Configuration.Config config)
    {
        var c = HoconSettings.Of(config, "actorconnect.internal-topics");
        return new KafkaLogTimeouts(c.Duration("operation-timeout"), c.Duration("stop-timeout"), c.Duration("flush-timeout"));
    }
}

/// <summary>
/// A compacted topic used as a replicated, durable map: Kafka Connect's KafkaBasedLog, which keeps distributed
/// workers' configs, offsets and statuses. <see cref="StartAsync"/> reads the whole topic, handing every record to
/// the callback; afterwards a background thread keeps reading what any worker writes. <see cref="ReadToEndAsync"/>
/// waits until everything written before the call has been handed over: read-your-writes across workers.
/// </summary>
/// <remarks>
/// The callback runs on the log's own thread, one record at a time, in offset order per partition. Records with
/// the same key go to the same partition, so the last value the callback sees for a key is the current one.
/// </remarks>
public sealed class KafkaBasedLog : IDisposable
{
    private readonly KafkaLogSettings _settings;
    private readonly Action<ConsumeResult<byte[], byte[]?>> _onRecord;
    private readonly object _waitersLock = new();
    private readonly List<(IReadOnlyList<TopicPartitionOffset> Ends, TaskCompletionSource Done)> _waiters = new();
    private readonly CancellationTokenSource _stop = new();
    private IProducer<byte[], byte[]?>? _producer;
    private IConsumer<byte[], byte[]?>? _consumer;
    private IConsumer<byte[], byte[]?>? _endOffsets;
    private IReadOnlyList<TopicPartition> _partitions = [];
    private Thread? _reader;
    private Exception? _readerFailure;

    /// <summary>Creates a log; nothing connects until <see cref="StartAsync"/>.</summary>
    public KafkaBasedLog(KafkaLogSettings settings, Action<ConsumeResult<byte[], byte[]?>> onRecord)
    {
        _settings = settings;
        _onRecord = onRecord;
    }

    /// <summary>The topic.</summary>
    public string Topic => _settings.Topic;

    /// <summary>Makes sure the topic exists, reads it to the end, then keeps reading in the background.</summary>
    /// <exception cref="KafkaLogTopicException">The topic is missing and this broker cannot create it: the message gives the command to run.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var consumerConfig = Apply(new ConsumerConfig
        {
            // No offsets are committed: every start reads the topic from the beginning, as the state is the whole topic.
            GroupId = $"actorconnect-log-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
        });
        _consumer = new ConsumerBuilder<byte[], byte[]?>(consumerConfig).SetLogHandler((_, _) => { }).Build();
        // End offsets are asked on a client of their own: the reader always has a long-poll fetch open on its
        // connection, and the broker answers one request per connection at a time, so each query would wait out the
        // fetch (fetch.wait.max.ms, 500 ms per partition). This one never fetches, so it answers at once.
        _endOffsets = new ConsumerBuilder<byte[], byte[]?>(consumerConfig).SetLogHandler((_, _) => { }).Build();
        await EnsureTopicAsync().ConfigureAwait(false);
        _partitions = await Task.Run(FindPartitions, cancellationToken).ConfigureAwait(false);
        _consumer.Assign(_partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));

        _producer = new ProducerBuilder<byte[], byte[]?>(Apply(new ProducerConfig
        {
            // The state must survive a broker failure once a write returns.
            Acks = Acks.All,
            LingerMs = 0,
            // A retried write must not land twice or after a later one: the last record per key is the state.
            EnableIdempotence = _settings.BrokerFeatures.SupportsIdempotence,
        })).SetLogHandler((_, _) => { }).Build();

        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "actorconnect-log-" + _settings.Topic };
        _reader.Start();
        await ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a record (a null value deletes the key) and returns once the broker has it, with where it landed: a
    /// writer that also keeps what it wrote in memory compares that position with the records its callback reads back,
    /// so an older record read late does not undo a newer write.
    /// </summary>
    public async Task<TopicPartitionOffset> SendAsync(byte[] key, byte[]? value, CancellationToken cancellationToken = default)
    {
        var producer = _producer ?? throw new InvalidOperationException("The log is not started");
        var result = await producer.ProduceAsync(_settings.Topic, new Message<byte[], byte[]?> { Key = key, Value = value }, cancellationToken).ConfigureAwait(false);
        return result.TopicPartitionOffset;
    }

    /// <summary>Returns once every record written to the topic before this call has been handed to the callback.</summary>
    public Task ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        if (_readerFailure is { } failure)
        {
            return Task.FromException(new KafkaException(new Error(ErrorCode.Local_Fail, $"Reading {_settings.Topic} failed: {failure.Message}")));
        }

        return Task.Run(async () =>
        {
            var ends = EndOffsets();
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waitersLock)
            {
                _waiters.Add((ends, done));
            }

            // Already read that far (the usual case for a caught-up log): no need to wait for the reader's next turn,
            // which comes only when a record arrives or its 100 ms consume ends.
            ReleaseWaiters();

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_settings.Timeout);
            await done.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _reader?.Join(_settings.Timeouts.Stop);
        _producer?.Flush(_settings.Timeouts.Flush);
        _producer?.Dispose();
        _consumer?.Close();
        _consumer?.Dispose();
        _endOffsets?.Dispose();
        _stop.Dispose();
    }

    private void ReadLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // Not a tunable: only how soon the loop sees a stop; records that arrive end the wait at once.
                var record = _consumer!.Consume(TimeSpan.FromMilliseconds(100));
                if (record is not null)
                {
                    _onRecord(record);
                }

                ReleaseWaiters();
            }
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            _readerFailure = e;
            lock (_waitersLock)
            {
                foreach (var (_, done) in _waiters)
                {
                    done.TrySetException(e);
                }

                _waiters.Clear();
            }
        }
    }

    /// <summary>
    /// The end offset of every partition, in one ListOffsets request per leader: asking partition by partition
    /// (QueryWatermarkOffsets) costs two round trips each, 50 for Kafka Connect's 25 offset partitions, on every
    /// entity start. "Latest" as the timestamp asks the high watermark, what a read to the end must reach.
    /// </summary>
    private IReadOnlyList<TopicPartitionOffset> EndOffsets()
    {
        var latest = new Timestamp(Offset.End.Value, TimestampType.NotAvailable);
        var ends = _endOffsets!.OffsetsForTimes(_partitions.Select(p => new TopicPartitionTimestamp(p, latest)), _settings.Timeout);
        return ends.Select(e => new TopicPartitionOffset(e.TopicPartition, e.Offset)).ToList();
    }

    private void ReleaseWaiters()
    {
        lock (_waitersLock)
        {
            if (_waiters.Count == 0)
            {
                return;
            }

            var consumer = _consumer!;
            var positions = _partitions.ToDictionary(p => p, p => consumer.Position(p).Value);
            _waiters.RemoveAll(w =>
            {
                // Unset position (-1001) before the first fetch: only an empty partition counts as read.
                var reached = w.Ends.All(e => e.Offset.Value <= 0 || positions[e.TopicPartition] >= e.Offset.Value);
                if (reached)
                {
                    w.Done.TrySetResult();
                }

                return reached;
            });
        }
    }

    private IReadOnlyList<TopicPartition> FindPartitions()
    {
        using var admin = new DependentAdminClientBuilder(_consumer!.Handle).Build();
        var deadline = DateTime.UtcNow + _settings.Timeout;
        while (true)
        {
            var topic = admin.GetMetadata(_settings.Topic, _settings.Timeout).Topics.FirstOrDefault();
            if (topic is { Error.Code: ErrorCode.NoError, Partitions.Count: > 0 } && topic.Partitions.All(p => p.Leader >= 0))
            {
                return topic.Partitions.Select(p => new TopicPartition(_settings.Topic, p.PartitionId)).OrderBy(p => p.Partition.Value).ToList();
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new KafkaLogTopicException($"Topic {_settings.Topic} has no leader for every partition after {_settings.Timeout.TotalSeconds:N0} s ({topic?.Error.Reason}). Check the brokers.");
            }

            Thread.Sleep(100);
        }
    }

    private async Task EnsureTopicAsync()
    {
        using var admin = new DependentAdminClientBuilder(_consumer!.Handle).Build();
        if (!_settings.BrokerFeatures.IsLegacy)
        {
            try
            {
                await admin.CreateTopicsAsync(
                [
                    new TopicSpecification
                    {
                        Name = _settings.Topic,
                        NumPartitions = _settings.Partitions,
                        ReplicationFactor = _settings.ReplicationFactor,
                        Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
                    },
                ], new CreateTopicsOptions { RequestTimeout = _settings.Timeout }).ConfigureAwait(false);
            }
            catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
            {
            }

            return;
        }

        // A broker older than 0.10.1 has no CreateTopics, and letting it auto-create the topic would give it the
        // delete cleanup policy: the state would expire after the broker's retention. So the user creates it.
        // Asked by name, a broker that auto-creates topics would create it then and there (uncompacted): list all instead.
        var metadata = admin.GetMetadata(_settings.Timeout).Topics.FirstOrDefault(t => t.Topic == _settings.Topic);
        if (metadata is null || metadata.Error.Code == ErrorCode.UnknownTopicOrPart || metadata.Partitions.Count == 0)
        {
            var rf = _settings.ReplicationFactor < 1 ? 1 : _settings.ReplicationFactor;
            throw new KafkaLogTopicException(
                $"Topic {_settings.Topic} does not exist and this broker (older than Kafka 0.10.1) cannot create it through the admin API. Create it, compacted, then start again:\n" +
                $"  kafka-topics.sh --zookeeper <zookeeper host:port> --create --topic {_settings.Topic} --partitions {_settings.Partitions} --replication-factor {rf} --config cleanup.policy=compact");
        }
    }

    private T Apply<T>(T config) where T : ClientConfig
    {
        _settings.BrokerFeatures.ApplyTo(config);
        foreach (var (key, value) in _settings.ClientProperties)
        {
            config.Set(key, value);
        }

        config.BootstrapServers = _settings.BootstrapServers;
        return config;
    }
}

/// <summary>The log's topic is missing or unusable; the message says what to run or check.</summary>
public sealed class KafkaLogTopicException(string message) : Exception(message);
