using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ActorConnect.Kafka;

/// <summary>
/// Reads and changes a consumer group's committed offsets while the group has no members (a STOPPED sink
/// connector): what Kafka Connect's offsets endpoints do for sinks. Blocking calls: run it off actor threads.
/// </summary>
/// <remarks>
/// Reading and committing use a consumer that joins no group (OffsetFetch/OffsetCommit work on every broker since
/// 0.9). Forgetting an offset needs DeleteConsumerGroupOffsets (Kafka 2.4+); on an older broker the partition's
/// offset is instead set to where <c>auto.offset.reset</c> would start it, which is the same next start, and
/// <see cref="Degraded"/> says so once.
/// </remarks>
public sealed class ConsumerGroupOffsets : IDisposable
{
    private readonly ConsumerSettings _settings;
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly IAdminClient _admin;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a client for the group of <paramref name="settings"/>.</summary>
    public ConsumerGroupOffsets(ConsumerSettings settings, TimeSpan timeout)
    {
        _settings = settings;
        _timeout = timeout;
        _consumer = new ConsumerBuilder<byte[], byte[]>(settings.BuildConfig()).SetLogHandler((_, _) => { }).Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
    }

    /// <summary>Set when an operation had to fall back because the broker is too old; the text says what was done instead.</summary>
    public string? Degraded { get; private set; }

    /// <summary>The committed offsets of the group in the topics <paramref name="topicFilter"/> accepts (partitions without one are left out).</summary>
    /// <remarks>
    /// Asks the group's coordinator for every offset the group committed (OffsetFetch for all partitions), and never
    /// the broker's topic list: librdkafka fails to parse some Kafka 0.9 metadata answers ("Local: Bad message format"),
    /// and a deleted topic's committed offsets are worth showing too.
    /// </remarks>
    public IReadOnlyList<TopicPartitionOffset> Committed(Func<string, bool> topicFilter)
    {
        var groups = _admin.ListConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitions(_settings.GroupId, null)],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = _timeout })
            .GetAwaiter().GetResult();
        return groups.SelectMany(g => g.Partitions)
            .Where(o => o.Offset.Value >= 0 && topicFilter(o.Topic))
            .Select(o => o.TopicPartitionOffset)
            .OrderBy(o => o.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition.Value)
            .ToList();
    }

    /// <summary>Commits offsets, and forgets those given as null.</summary>
    public void Alter(IReadOnlyCollection<KeyValuePair<TopicPartition, long?>> offsets)
    {
        var commits = offsets.Where(o => o.Value is not null).Select(o => new TopicPartitionOffset(o.Key, new Offset(o.Value!.Value))).ToList();
        var resets = offsets.Where(o => o.Value is null).Select(o => o.Key).ToList();
        if (commits.Count > 0)
        {
            _consumer.Commit(commits);
        }

        Forget(resets);
    }

    /// <summary>Forgets every committed offset of the group in the given topics.</summary>
    public void Reset(Func<string, bool> topicFilter) => Forget(Committed(topicFilter).Select(o => o.TopicPartition).ToList());

    private void Forget(IReadOnlyList<TopicPartition> partitions)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        if (!_settings.BrokerFeatures.IsLegacy)
        {
            _admin.DeleteConsumerGroupOffsetsAsync(_settings.GroupId, partitions, new DeleteConsumerGroupOffsetsOptions { RequestTimeout = _timeout })
                .GetAwaiter().GetResult();
            return;
        }

        var fromEnd = _settings.BuildConfig().AutoOffsetReset == AutoOffsetReset.Latest;
        var starts = partitions.Select(tp =>
        {
            var marks = _consumer.QueryWatermarkOffsets(tp, _timeout);
            return new TopicPartitionOffset(tp, fromEnd ? marks.High : marks.Low);
        }).ToList();
        _consumer.Commit(starts);
        Degraded = "the broker is older than Kafka 2.4 and cannot delete a group's offsets, so each reset partition's offset was set to " +
                   $"where auto.offset.reset={(fromEnd ? "latest" : "earliest")} starts it ({string.Join(", ", starts.Select(s => $"{s.Topic}-{s.Partition.Value}@{s.Offset.Value}"))})";
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _admin.Dispose();
        _consumer.Close();
        _consumer.Dispose();
    }
}
