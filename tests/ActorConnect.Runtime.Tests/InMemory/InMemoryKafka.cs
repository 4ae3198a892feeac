using System.Text.RegularExpressions;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Tasks;
using Akka;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace ActorConnect.Runtime.Tests.InMemory;

/// <summary>
/// A Kafka cluster in memory, for tests of the task runtime that need a broker only for plumbing: topics of partitions
/// with offsets, consumer groups with eager rebalances and committed offsets, and the task clients on top
/// (<see cref="ITaskKafkaClients"/>). It keeps the clients' contracts: delivery results carry the offsets written, each
/// partition keeps its order, a member's partitions are revoked (listener first, its offsets committed) before anyone
/// else is given them, pauses and seeks act on the fetch position, and the consumer's buffer is bounded.
/// </summary>
/// <remarks>
/// One lock guards all of it: clients are called from task threads, stage threads and the test at once, and a
/// test broker is about correctness, not throughput. Topics are created on first write with one partition, as a broker
/// with <c>auto.create.topics.enable</c> does.
/// </remarks>
public sealed class InMemoryKafka : ITaskKafkaClients
{
    private readonly Dictionary<string, List<List<StoredRecord>>> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ErrorCode> _refused = new(StringComparer.Ordinal);
    private int _roundRobin;

    internal object Gate { get; } = new();

    // Completed (and replaced) on every append: readers waiting for records wake on the write, not on a timer.
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The address workers are given; nothing listens there.</summary>
    public string BootstrapServers => "in-memory:9092";

    /// <summary>Always false: the in-memory broker stores headers and timestamps, as any broker since 0.11.</summary>
    public bool IsLegacyBroker => false;

    /// <summary>The worker keys that declare this broker's version, so the worker never probes an address nobody listens on.</summary>
    public IEnumerable<KeyValuePair<string, string>> WorkerBrokerSettings() =>
        new Dictionary<string, string> { ["api.version.request"] = "false", ["broker.version.fallback"] = "2.8.0" };

    /// <summary>Creates the topic (an existing one is kept) with <paramref name="partitions"/> partitions.</summary>
    public Task CreateTopicAsync(string name, int partitions)
    {
        lock (Gate)
        {
            if (!_topics.ContainsKey(name))
            {
                _topics[name] = Enumerable.Range(0, partitions).Select(_ => new List<StoredRecord>()).ToList();
                foreach (var group in _groups.Values)
                {
                    group.TopicsChanged();
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>From now on every write to <paramref name="topic"/> is refused with <paramref name="code"/>, as a broker refusing it would.</summary>
    public void RefuseWrites(string topic, ErrorCode code)
    {
        lock (Gate)
        {
            _refused[topic] = code;
        }
    }

    /// <summary>Writes the messages in order, to <paramref name="partition"/> or by key.</summary>
    public Task ProduceAsync(string topic, IEnumerable<(byte[]? key, byte[]? value)> messages, int? partition = null)
    {
        foreach (var (key, value) in messages)
        {
            var written = Append(topic, partition, key, value, [], DateTimeOffset.UtcNow);
            if (written.Error is { } error)
            {
                throw new ProduceException<byte[]?, byte[]?>(error, new DeliveryResult<byte[]?, byte[]?>());
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The topic's records, partition by partition, once there are at least <paramref name="expected"/> or the timeout
    /// passed (possibly fewer then; the caller asserts), as the broker fixture's ConsumeAllAsync.
    /// </summary>
    public async Task<List<ConsumeResult<byte[]?, byte[]?>>> ConsumeAllAsync(string topic, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task appended;
            lock (Gate)
            {
                appended = _appended.Task;
            }

            var records = Snapshot(topic);
            var left = deadline - DateTime.UtcNow;
            if (records.Count >= expected || left <= TimeSpan.Zero)
            {
                return records;
            }

            try
            {
                await appended.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                return Snapshot(topic);
            }
        }
    }

    /// <summary>The topic's records now, partition by partition.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> Snapshot(string topic)
    {
        lock (Gate)
        {
            if (!_topics.TryGetValue(topic, out var partitions))
            {
                return [];
            }

            return partitions.SelectMany((log, p) => log.Select(r => r.ToConsumeResult(topic, p))).ToList();
        }
    }

    /// <summary>The sum of the topic's partitions' end offsets.</summary>
    public Task<long> HighWatermarkAsync(string topic)
    {
        lock (Gate)
        {
            return Task.FromResult(_topics.TryGetValue(topic, out var partitions) ? partitions.Sum(p => (long)p.Count) : 0L);
        }
    }

    /// <summary>The group's committed offset of each partition of the topic (-1001, Kafka's "none", when it has none).</summary>
    public Dictionary<int, long> Committed(string group, string topic, int partitions)
    {
        lock (Gate)
        {
            var committed = _groups.TryGetValue(group, out var g) ? g.Committed : new Dictionary<TopicPartition, long>();
            return Enumerable.Range(0, partitions).ToDictionary(p => p,
                p => committed.TryGetValue(new TopicPartition(topic, p), out var o) ? o : Offset.Unset.Value);
        }
    }

    /// <inheritdoc />
    public Flow<IReadOnlyList<ProducerMessage<TPass>>, ProducerBatchResult<TPass>, NotUsed> Producer<TPass>(ProducerSettings settings) =>
        // One batch at a time, its results in input order: the stream's demand is the bound on what is in flight.
        Flow.Create<IReadOnlyList<ProducerMessage<TPass>>>()
            .Select(batch =>
            {
                var result = new ProducerBatchResult<TPass>(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    var m = batch[i];
                    var written = Append(m.Topic, m.Partition, m.Key, m.Value, m.Headers ?? [], m.Timestamp ?? DateTimeOffset.UtcNow);
                    if (written.Error is { } error)
                    {
                        result.Failed(i, error);
                    }
                    else
                    {
                        result.Delivered(i, written.Partition, written.Offset);
                    }
                }

                return result;
            })
            .Async();

    /// <inheritdoc />
    public Source<IReadOnlyList<ConsumedRecord>, IConsumerControl> ConsumerBatches(ConsumerSettings settings, Subscription subscription, IPartitionListener listener, int maxBatch)
    {
        var attributes = Attributes.CreateName("inMemoryConsumer");
        if (settings.Dispatcher is { } dispatcher)
        {
            attributes = attributes.And(ActorAttributes.CreateDispatcher(dispatcher));
        }

        return Source.FromGraph(new InMemoryConsumerStage(this, settings, subscription, listener, maxBatch))
            .AddAttributes(attributes)
            .Async()
            .Via(Flow.Create<IReadOnlyList<ConsumedRecord>>().Select(batch => batch).WithAttributes(Attributes.CreateInputBuffer(1, 1)));
    }

    /// <inheritdoc />
    public IProducer<byte[]?, byte[]?> DeadLetterProducer(ProducerConfig config, Action<Confluent.Kafka.LogMessage> onLog) => new InMemoryProducer(this);

    /// <inheritdoc />
    public void EnsureDeadLetterTopic(string bootstrapServers, IEnumerable<KeyValuePair<string, string>> adminProperties, BrokerFeatures features,
        string topic, short replicationFactor, ILoggingAdapter log, TimeSpan timeout) =>
        CreateTopicAsync(topic, 1);

    /// <summary>Appends one record; where it landed, or the error the topic is refused with.</summary>
    internal (int Partition, long Offset, Error? Error) Append(string topic, int? partition, byte[]? key, byte[]? value,
        IReadOnlyList<KeyValuePair<string, byte[]?>> headers, DateTimeOffset timestamp)
    {
        lock (Gate)
        {
            if (_refused.TryGetValue(topic, out var code))
            {
                return (-1, -1, new Error(code));
            }

            if (!_topics.TryGetValue(topic, out var partitions))
            {
                CreateTopicAsync(topic, 1);
                partitions = _topics[topic];
            }

            var p = partition ?? (key is null ? _roundRobin++ % partitions.Count : (int)((uint)Hash(key) % (uint)partitions.Count));
            if (p < 0 || p >= partitions.Count)
            {
                return (-1, -1, new Error(ErrorCode.Local_UnknownPartition));
            }

            var log = partitions[p];
            log.Add(new StoredRecord(log.Count, key, value, headers.ToList(), timestamp));
            var appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            appended.SetResult();
            return (p, log.Count - 1, null);
        }
    }

    internal ConsumerGroup Group(string groupId)
    {
        // Under the gate: the tasks of one connector create their consumers at the same moment on their own threads, and
        // two of them each making the group would put them in two groups, each given every partition.
        lock (Gate)
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                _groups[groupId] = group = new ConsumerGroup(this);
            }

            return group;
        }
    }

    /// <summary>The partitions of every topic the subscription names or matches. Under <see cref="Gate"/>.</summary>
    internal IEnumerable<TopicPartition> PartitionsOf(Subscription subscription)
    {
        var regex = subscription.Pattern is { } pattern ? new Regex(pattern) : null;
        return _topics
            .Where(t => regex?.IsMatch(t.Key) ?? subscription.Topics.Contains(t.Key))
            .SelectMany(t => Enumerable.Range(0, t.Value.Count).Select(p => new TopicPartition(t.Key, p)));
    }

    /// <summary>The partition's records from <paramref name="offset"/>, at most <paramref name="max"/>. Under <see cref="Gate"/>.</summary>
    internal IEnumerable<StoredRecord> Read(TopicPartition tp, long offset, int max) =>
        _topics.TryGetValue(tp.Topic, out var partitions) && tp.Partition.Value < partitions.Count
            ? partitions[tp.Partition.Value].Skip((int)Math.Max(0, offset)).Take(max)
            : [];

    /// <summary>The partition's end offset. Under <see cref="Gate"/>.</summary>
    internal long EndOffset(TopicPartition tp) =>
        _topics.TryGetValue(tp.Topic, out var partitions) && tp.Partition.Value < partitions.Count ? partitions[tp.Partition.Value].Count : 0;

    // librdkafka's default partitioner hashes with crc32; any stable hash keeps a key on one partition, which is the contract.
    private static int Hash(byte[] key)
    {
        var h = 17;
        foreach (var b in key)
        {
            h = unchecked(h * 31 + b);
        }

        return h;
    }
}

/// <summary>One record in a partition's log.</summary>
internal sealed record StoredRecord(long Offset, byte[]? Key, byte[]? Value, IReadOnlyList<KeyValuePair<string, byte[]?>> Headers, DateTimeOffset Timestamp)
{
    public ConsumedRecord ToConsumed(string topic, int partition, int generation, int epoch) =>
        new(topic, partition, Offset, Key, Value, Headers, Timestamp, TimestampType.CreateTime, generation, epoch);

    public ConsumeResult<byte[]?, byte[]?> ToConsumeResult(string topic, int partition)
    {
        var headers = new Headers();
        foreach (var (k, v) in Headers)
        {
            headers.Add(k, v);
        }

        return new ConsumeResult<byte[]?, byte[]?>
        {
            Topic = topic,
            Partition = partition,
            Offset = Offset,
            Message = new Message<byte[]?, byte[]?> { Key = Key, Value = Value, Headers = headers, Timestamp = new Timestamp(Timestamp) },
        };
    }
}
