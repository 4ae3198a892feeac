using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// The outcomes of one batch of messages given to <see cref="KafkaProducerFlow.CreateBatched{TPass}"/>, emitted once
/// every message of the batch has its delivery report, in the order the batches entered the flow.
/// </summary>
/// <remarks>
/// Why one object per batch and no result object per message: a source task hands over whole poll() batches, and
/// per-message results (and stream elements) cost more CPU than the Kafka client itself. The outcome of message
/// <c>i</c> is read with <see cref="IsDelivered"/>, <see cref="OffsetAt"/> and <see cref="ErrorAt"/>.
/// Filled from librdkafka's poll thread before it is emitted; read-only and safe to read from any thread after.
/// </remarks>
public sealed class ProducerBatchResult<TPass>
{
    private readonly int[] _partitions;
    private readonly long[] _offsets;
    private Error?[]? _errors;
    private int _unreported;

    internal ProducerBatchResult(IReadOnlyList<ProducerMessage<TPass>> messages)
    {
        Messages = messages;
        _partitions = new int[messages.Count];
        _offsets = new long[messages.Count];
        _unreported = messages.Count;
    }

    /// <summary>The messages of the batch, as they entered the flow.</summary>
    public IReadOnlyList<ProducerMessage<TPass>> Messages { get; }

    /// <summary>The number of messages in the batch.</summary>
    public int Count => _partitions.Length;

    /// <summary>True when every message of the batch was acknowledged.</summary>
    public bool AllDelivered => Volatile.Read(ref _errors) is null;

    /// <summary>Where message <paramref name="index"/> was written, or null when it was not delivered.</summary>
    public TopicPartitionOffset? OffsetAt(int index) =>
        IsDelivered(index) ? new TopicPartitionOffset(Messages[index].Topic, _partitions[index], _offsets[index]) : null;

    /// <summary>The partition message <paramref name="index"/> was written to (meaningful only when delivered).</summary>
    public int PartitionAt(int index) => _partitions[index];

    /// <summary>The offset of message <paramref name="index"/> (meaningful only when delivered).</summary>
    public long KafkaOffsetAt(int index) => _offsets[index];

    /// <summary>Why message <paramref name="index"/> was not delivered, or null when it was.</summary>
    public Error? ErrorAt(int index) => Volatile.Read(ref _errors)?[index];

    /// <summary>True when the broker acknowledged message <paramref name="index"/> (with the configured <c>acks</c>).</summary>
    public bool IsDelivered(int index) => ErrorAt(index) is not { IsError: true };

    /// <summary>The result of message <paramref name="index"/> as a stand-alone object.</summary>
    public ProducerResult<TPass> ResultAt(int index) => new(Messages[index], OffsetAt(index), ErrorAt(index));

    /// <summary>The results of every message, in order (one object each: for callers that are not hot paths).</summary>
    public IEnumerable<ProducerResult<TPass>> Results()
    {
        for (var i = 0; i < Count; i++)
            yield return ResultAt(i);
    }

    /// <summary>True once every message has its report; read by the stage after a wake-up.</summary>
    internal bool IsComplete => Volatile.Read(ref _unreported) == 0;

    /// <summary>Records a delivery; returns true when it was the batch's last report. Any thread.</summary>
    internal bool Delivered(int index, int partition, long offset)
    {
        _partitions[index] = partition;
        _offsets[index] = offset;
        // Interlocked is a full fence: whoever sees the count reach 0 also sees every slot written before it.
        return Interlocked.Decrement(ref _unreported) == 0;
    }

    /// <summary>Records a failure; returns true when it was the batch's last report. Any thread.</summary>
    internal bool Failed(int index, Error error)
    {
        var errors = Volatile.Read(ref _errors) ?? Interlocked.CompareExchange(ref _errors, new Error?[Count], null) ?? _errors!;
        errors[index] = error;
        return Interlocked.Decrement(ref _unreported) == 0;
    }
}
