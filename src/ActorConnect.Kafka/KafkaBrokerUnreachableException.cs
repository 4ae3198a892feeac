namespace ActorConnect.Kafka;

/// <summary>
/// None of the bootstrap servers could be reached, or none of them spoke Kafka.
/// </summary>
/// <remarks>
/// Why a dedicated type: librdkafka itself never fails on an unreachable broker, it retries forever and logs
/// "1/1 brokers are down". The runtime probes first and turns that silence into one exception whose message
/// names the servers that were tried and what to check, so a misconfigured worker fails at start with a
/// clear status instead of hanging.
/// </remarks>
public sealed class KafkaBrokerUnreachableException : Exception
{
    /// <summary>Creates the exception for the given bootstrap list.</summary>
    public KafkaBrokerUnreachableException(string bootstrapServers, string message, Exception? inner = null)
        : base(message, inner)
    {
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The bootstrap list that was tried, as configured.</summary>
    public string BootstrapServers { get; }
}
