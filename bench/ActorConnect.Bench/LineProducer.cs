using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// The raw producer both ceilings use (raw-produce, raw-tail): acks=all, linger.ms=5, Produce() with a delivery
/// handler that counts, waiting on librdkafka's queue when it is full. One definition, so the two rows measure the
/// same client.
/// </summary>
internal sealed class LineProducer : IDisposable
{
    private readonly IProducer<Null, string> _producer;
    private readonly string _topic;
    private readonly Action<DeliveryReport<Null, string>> _onDelivery;
    private long _delivered;
    private long _failed;

    public LineProducer(string bootstrap, string topic, IReadOnlyDictionary<string, string> options)
    {
        var config = Broker.Configure(new ProducerConfig
        {
            Acks = Acks.All,
            LingerMs = 5,
            EnableIdempotence = false, // the 0.9 broker cannot do it; a modern broker would default it on
        }, bootstrap, Broker.IsLegacy(bootstrap, options));
        Broker.ApplySet(config, options);
        _topic = topic;
        _onDelivery = OnDelivery;
        _producer = new ProducerBuilder<Null, string>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
    }

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public string? FirstError { get; private set; }

    public void Send(string line)
    {
        var message = new Message<Null, string> { Value = line };
        while (true)
        {
            try
            {
                _producer.Produce(_topic, message, _onDelivery);
                return;
            }
            catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(5)); // let deliveries drain the local queue
            }
        }
    }

    /// <summary>Waits for every delivery report; returns how many messages are still queued after <paramref name="timeout"/>.</summary>
    public int Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose() => _producer.Dispose();

    private void OnDelivery(DeliveryReport<Null, string> r)
    {
        if (!r.Error.IsError)
        {
            Interlocked.Increment(ref _delivered);
        }
        else if (Interlocked.Increment(ref _failed) == 1)
        {
            FirstError = r.Error.ToString();
        }
    }
}
