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

    /// <summary>
    /// The committed offsets of the group in <paramref name="topics"/> (a sink's <c>topics</c>), or, when that is null
    /// (<c>topics.regex</c>), in every topic <paramref name="topicFilter"/> accepts; partitions without one are left out.
    /// </summary>
    /// <remarks>
    /// Named topics are looked up one by one rather than in the broker's list of every topic, which librdkafka fails to
    /// parse in some Kafka 0.9 answers ("Local: Bad message format"); the offsets come through the consumer's own
    /// OffsetFetch, not an admin request (librdkafka's admin requests, timed out while a broker restarted, have aborted
    /// the process).
    /// </remarks>
    public IReadOnlyList<TopicPartitionOffset> Committed(IReadOnlyCollection<string>? topics, Func<string, bool> topicFilter)
    {
        var metadata = topics is null ? [_admin.GetMetadata(_timeout)] : topics.Select(topic => _admin.GetMetadata(topic, _timeout)).ToList();
        var partitions = metadata.SelectMany(m => m.Topics)
            .Where(t => t.Error.Code == ErrorCode.NoError && topicFilter(t.Topic))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            .Distinct()
            .OrderBy(tp => tp.Topic, StringComparer.Ordinal).ThenBy(tp => tp.Partition.Value)
            .ToList();
        if (partitions.Count == 0)
        {
            return [];
        }

        return _consumer.Committed(partitions, _timeout).Where(o => o.Offset.Value >= 0).ToList();
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
    public void Reset(IReadOnlyCollection<string>? topics, Func<string, bool> topicFilter) =>
        Forget(Committed(topics, topicFilter).Select(o => o.TopicPartition).ToList());

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
