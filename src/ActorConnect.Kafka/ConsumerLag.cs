using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Measures a consumer's lag per assigned partition: the high watermark minus where the consumer reads next. Used only
/// on the consumer stage's thread.
/// </summary>
/// <remarks>
/// <para>
/// Where the consumer reads next: librdkafka's <c>Position</c> is the offset after the last record handed to the
/// application, and stays unset after an assignment until a record arrives. A partition assigned with nothing new to
/// read (a rebalance after the end was reached), or held back by a pause, would then have no lag at all, exactly when an
/// operator wants to see it. For those partitions the next offset is where the consumer was told to start: a seek's
/// target, or else the group's committed offset, looked up once per assignment, or else where <c>auto.offset.reset</c>
/// starts it. A partition that never held a record (a topic's other partitions took them all) is the common case of
/// the last.
/// </para>
/// <para>
/// The high watermark: librdkafka learns it from fetch responses, and fetches nothing for a paused partition. The lag
/// of a paused connector would then stay frozen at its pause while the topic grows. So a paused partition's high
/// watermark is asked of the broker instead, every few seconds.
/// </para>
/// </remarks>
/// <param name="resetsToEnd">True when <c>auto.offset.reset</c> is <c>latest</c>: without a commit, reading starts at the end.</param>
/// <param name="isPaused">Whether the stage has paused a partition (so librdkafka fetches nothing for it).</param>
/// <param name="onLookupError">Told of a lookup from the broker that failed; the next comes <see cref="ConsumerLagSettings.RetryLookupAfter"/> later.</param>
/// <param name="settings">How often to measure and look up, and how long a lookup may block the stage's thread.</param>
internal sealed class ConsumerLag(bool resetsToEnd, Func<TopicPartition, bool> isPaused, Action<Error> onLookupError, ConsumerLagSettings settings)
{
    private TimeSpan MeasureEvery => settings.MeasureEvery;

    /// <summary>How often a paused partition's high watermark is asked of the broker.</summary>
    private TimeSpan QueryPausedEvery => settings.QueryPausedEvery;

    /// <summary>Bounds each lookup from the broker, which blocks the stage's thread: polling waits meanwhile.</summary>
    private TimeSpan LookupTimeout => settings.LookupTimeout;

    /// <summary>After a failed lookup (broker down), how long before any other: a down broker must not stall polling.</summary>
    private TimeSpan RetryLookupAfter => settings.RetryLookupAfter;

    /// <summary>Where each partition starts when nothing has been read from it since its assignment; null: nothing committed.</summary>
    private readonly Dictionary<TopicPartition, long?> _starts = new();

    /// <summary>The watermarks of each paused partition as the broker last told them, and when.</summary>
    private readonly Dictionary<TopicPartition, (long Low, long High, long Ticks)> _queried = new();
    private long? _measuredTicks;
    private long? _lookupFailedTicks;

    /// <summary>New or lost partitions: what was known of their start no longer holds.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _starts.Remove(partition);
            _queried.Remove(partition);
        }
    }

    /// <summary>A seek ran: the partition reads next from <paramref name="offset"/> until a record arrives.</summary>
    public void Seeked(TopicPartitionOffset offset)
    {
        if (offset.Offset.IsSpecial)
            _starts.Remove(offset.TopicPartition);
        else
            _starts[offset.TopicPartition] = offset.Offset.Value;
    }

    /// <summary>
    /// The lag of every assigned partition whose high watermark and next offset are known, or null when the last
    /// measurement is younger than <see cref="ConsumerLagSettings.MeasureEvery"/>. May block for lookups from the broker
    /// of up to <see cref="ConsumerLagSettings.LookupTimeout"/> each.
    /// </summary>
    public IReadOnlyDictionary<TopicPartition, long>? Measure(IConsumer<byte[]?, byte[]?> consumer)
    {
        var now = Environment.TickCount64;
        if (now - _measuredTicks < MeasureEvery.TotalMilliseconds) // false while null
            return null;
        _measuredTicks = now;

        var measurable = new List<(TopicPartition Partition, long High, Offset Position)>();
        foreach (var tp in consumer.Assignment)
        {
            if (High(consumer, tp, isPaused(tp), now) is { } high)
                measurable.Add((tp, high, consumer.Position(tp)));
        }

        var startUnknown = measurable.Where(m => m.Position.IsSpecial && !_starts.ContainsKey(m.Partition)).Select(m => m.Partition).ToList();
        if (startUnknown.Count > 0)
        {
            LookUp(now, () =>
            {
                foreach (var committed in consumer.Committed(startUnknown, LookupTimeout))
                    _starts[committed.TopicPartition] = committed.Offset.IsSpecial ? null : committed.Offset.Value;
            });
        }

        var lag = new Dictionary<TopicPartition, long>();
        foreach (var (tp, high, position) in measurable)
        {
            if (!position.IsSpecial)
            {
                _starts.Remove(tp); // reading has begun: the position is the truth from now on
                lag[tp] = Math.Max(0, high - position.Value);
            }
            else if (_starts.TryGetValue(tp, out var start) && StartWithoutPosition(consumer, tp, start, high) is { } next)
            {
                lag[tp] = Math.Max(0, high - next);
            }
        }
        return lag;
    }

    /// <summary>
    /// The partition's high watermark: from the last fetch, or for a paused partition the newest of that and what the
    /// broker said at most <see cref="QueryPausedEvery"/> ago. Null when neither is known.
    /// </summary>
    private long? High(IConsumer<byte[]?, byte[]?> consumer, TopicPartition tp, bool paused, long now)
    {
        var fetched = consumer.GetWatermarkOffsets(tp).High;
        long? high = fetched.IsSpecial ? null : fetched.Value;
        if (!paused)
        {
            _queried.Remove(tp);
            return high;
        }

        var queried = _queried.TryGetValue(tp, out var last) ? last : ((long Low, long High, long Ticks)?)null;
        if (queried is null || now - queried.Value.Ticks >= QueryPausedEvery.TotalMilliseconds)
        {
            LookUp(now, () =>
            {
                var answer = consumer.QueryWatermarkOffsets(tp, LookupTimeout);
                if (!answer.High.IsSpecial && !answer.Low.IsSpecial)
                    _queried[tp] = (answer.Low.Value, answer.High.Value, now);
            });
            queried = _queried.TryGetValue(tp, out last) ? last : queried;
        }
        return queried is { } q ? Math.Max(q.High, high ?? q.High) : high;
    }

    /// <summary>Runs a lookup from the broker unless one failed less than <see cref="RetryLookupAfter"/> ago.</summary>
    private void LookUp(long now, Action lookup)
    {
        if (now - _lookupFailedTicks < RetryLookupAfter.TotalMilliseconds) // false while null
            return;
        try
        {
            lookup();
        }
        catch (KafkaException e)
        {
            _lookupFailedTicks = now;
            onLookupError(e.Error);
        }
    }

    /// <summary>
    /// Where a partition with no position reads next: its seek target or committed offset (<paramref name="start"/>), or
    /// without either where <c>auto.offset.reset</c> starts it. From the beginning that is the low watermark, which
    /// librdkafka may not know (a legacy broker never sends it in fetches; a paused partition's was asked for); a
    /// partition whose high watermark is 0 holds nothing, so starts at 0 either way. Null when unknown: the records will
    /// arrive and give the partition a position.
    /// </summary>
    private long? StartWithoutPosition(IConsumer<byte[]?, byte[]?> consumer, TopicPartition tp, long? start, long high)
    {
        if (start is not null)
            return start;
        if (resetsToEnd || high == 0)
            return high;
        var low = consumer.GetWatermarkOffsets(tp).Low;
        if (!low.IsSpecial)
            return low.Value;
        return _queried.TryGetValue(tp, out var queried) ? queried.Low : null;
    }
}
