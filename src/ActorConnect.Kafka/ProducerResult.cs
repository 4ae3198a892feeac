using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// The outcome of one <see cref="ProducerMessage{TPass}"/>, emitted in the order the messages entered the flow.
/// </summary>
/// <remarks>
/// Why failures are results and not stream failures: what to do with an undeliverable record (fail the task,
/// skip it, send it to a dead letter queue) is the caller's policy, so the flow reports and keeps going.
/// </remarks>
/// <param name="Message">The message this result is for.</param>
/// <param name="Offset">Where the record was written, when delivered (partition and offset).</param>
/// <param name="Error">Why the record was not delivered, or null when it was.</param>
public sealed record ProducerResult<TPass>(ProducerMessage<TPass> Message, TopicPartitionOffset? Offset, Error? Error)
{
    /// <summary>True when the broker acknowledged the record (with the configured <c>acks</c>).</summary>
    public bool IsDelivered => Error is null || !Error.IsError;
}
