using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests.InMemory;

/// <summary>
/// A Confluent producer writing to <see cref="InMemoryKafka"/> (the dead-letter queue's). As librdkafka, it reports
/// deliveries on a thread of its own, never inside Produce, and <see cref="Flush(TimeSpan)"/> waits for every report.
/// Transactions are not supported: the runtime does not use them.
/// </summary>
internal sealed class InMemoryProducer(InMemoryKafka kafka) : IProducer<byte[]?, byte[]?>
{
    private int _pending;

    public Handle Handle => throw new NotSupportedException("an in-memory producer has no librdkafka handle");

    public string Name => "in-memory-producer";

    public int AddBrokers(string brokers) => 0;

    public void SetSaslCredentials(string username, string password)
    {
    }

    public void Produce(string topic, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>>? deliveryHandler = null) =>
        Produce(new TopicPartition(topic, Partition.Any), message, deliveryHandler);

    public void Produce(TopicPartition topicPartition, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>>? deliveryHandler = null)
    {
        var headers = (message.Headers ?? []).Select(h => KeyValuePair.Create(h.Key, (byte[]?)h.GetValueBytes())).ToList();
        var timestamp = message.Timestamp.Type == TimestampType.NotAvailable
            ? DateTimeOffset.UtcNow
            : DateTimeOffset.FromUnixTimeMilliseconds(message.Timestamp.UnixTimestampMs);
        var (partition, offset, error) = kafka.Append(topicPartition.Topic,
            topicPartition.Partition == Partition.Any ? null : topicPartition.Partition.Value, message.Key, message.Value, headers, timestamp);
        var report = new DeliveryReport<byte[]?, byte[]?>
        {
            Topic = topicPartition.Topic,
            Partition = partition,
            Offset = offset,
            Message = message,
            Error = error ?? new Error(ErrorCode.NoError),
            Status = error is null ? PersistenceStatus.Persisted : PersistenceStatus.NotPersisted,
        };
        Interlocked.Increment(ref _pending);
        ThreadPool.QueueUserWorkItem(_ =>
        {
            try
            {
                deliveryHandler?.Invoke(report);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        });
    }

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(string topic, Message<byte[]?, byte[]?> message, CancellationToken cancellationToken = default) =>
        ProduceAsync(new TopicPartition(topic, Partition.Any), message, cancellationToken);

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(TopicPartition topicPartition, Message<byte[]?, byte[]?> message, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<DeliveryResult<byte[]?, byte[]?>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Produce(topicPartition, message, report =>
        {
            if (report.Error.IsError)
            {
                done.TrySetException(new ProduceException<byte[]?, byte[]?>(report.Error, report));
            }
            else
            {
                done.TrySetResult(report);
            }
        });
        return done.Task;
    }

    public int Poll(TimeSpan timeout) => 0;

    public int Flush(TimeSpan timeout)
    {
        SpinWait.SpinUntil(() => Volatile.Read(ref _pending) == 0, timeout);
        return Volatile.Read(ref _pending);
    }

    public void Flush(CancellationToken cancellationToken = default) =>
        SpinWait.SpinUntil(() => cancellationToken.IsCancellationRequested || Volatile.Read(ref _pending) == 0);

    public void InitTransactions(TimeSpan timeout) => throw Transactions();

    public void BeginTransaction() => throw Transactions();

    public void CommitTransaction(TimeSpan timeout) => throw Transactions();

    public void CommitTransaction() => throw Transactions();

    public void AbortTransaction(TimeSpan timeout) => throw Transactions();

    public void AbortTransaction() => throw Transactions();

    public void SendOffsetsToTransaction(IEnumerable<TopicPartitionOffset> offsets, IConsumerGroupMetadata groupMetadata, TimeSpan timeout) => throw Transactions();

    public void Dispose()
    {
    }

    private static NotSupportedException Transactions() => new("the in-memory producer has no transactions: the runtime does not use them");
}
