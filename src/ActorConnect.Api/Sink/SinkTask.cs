using ActorConnect.Api.Connector;

namespace ActorConnect.Api.Sink;

/// <summary>
/// Writes records from Kafka into another system. All calls come from the task's own dedicated thread, in this order:
/// <see cref="Initialize"/>, <see cref="Start"/>, <see cref="Open"/> (partitions assigned), repeated <see cref="Put"/>,
/// periodic <see cref="PreCommit"/> (every <c>offset.flush.interval.ms</c>, and on request), <see cref="Close"/>
/// (partitions revoked: after a final PreCommit and commit), <see cref="Stop"/>.
/// <para>Delivery is at least once: offsets are committed only up to what <see cref="PreCommit"/> returns, which by
/// default is everything passed to Put once <see cref="Flush"/> returned. Throwing <see cref="Errors.RetriableException"/>
/// from Put redelivers the same batch after <see cref="ISinkTaskContext.Timeout"/>; any other exception fails the task.</para>
/// </summary>
public abstract class SinkTask : ITask
{
    /// <summary>The context given by <see cref="Initialize"/>.</summary>
    protected ISinkTaskContext Context { get; private set; } = null!;

    /// <inheritdoc />
    public abstract string Version { get; }

    /// <summary>Called once before <see cref="Start"/>.</summary>
    public virtual void Initialize(ISinkTaskContext context) => Context = context;

    /// <inheritdoc />
    public abstract void Start(IReadOnlyDictionary<string, string> props);

    /// <summary>Writes (or buffers) a batch of records, in Kafka order per partition.</summary>
    public abstract void Put(IReadOnlyCollection<SinkRecord> records);

    /// <summary>Makes everything passed to <see cref="Put"/> durable in the target system.</summary>
    /// <param name="currentOffsets">Per partition, the offset after the last record passed to Put.</param>
    public virtual void Flush(IReadOnlyDictionary<TopicPartition, long> currentOffsets)
    {
    }

    /// <summary>
    /// Returns the offsets safe to commit (next offset to read per partition). The default flushes and returns
    /// <paramref name="currentOffsets"/>; return an empty map when the task stores offsets itself.
    /// </summary>
    public virtual IReadOnlyDictionary<TopicPartition, long> PreCommit(IReadOnlyDictionary<TopicPartition, long> currentOffsets)
    {
        Flush(currentOffsets);
        return currentOffsets;
    }

    /// <summary>Partitions newly assigned to this task, before their first records are Put.</summary>
    public virtual void Open(IReadOnlyCollection<TopicPartition> partitions)
    {
    }

    /// <summary>Partitions taken from this task; release what you keep for them.</summary>
    public virtual void Close(IReadOnlyCollection<TopicPartition> partitions)
    {
    }

    /// <inheritdoc />
    public abstract void Stop();
}
