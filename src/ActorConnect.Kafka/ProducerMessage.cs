using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// One record to write with <see cref="KafkaProducerFlow"/>, plus a value that travels with it to the result.
/// </summary>
/// <remarks>
/// Why a pass-through: the caller (a source task) needs to know which of its records a delivery report belongs
/// to, for example to commit its source offsets, without the flow knowing anything about source tasks.
/// Keys, values and header values are raw bytes: conversion happens before the flow.
/// </remarks>
/// <param name="Topic">Destination topic.</param>
/// <param name="Partition">Explicit partition, or null to let the partitioner choose from the key.</param>
/// <param name="Key">Record key, or null.</param>
/// <param name="Value">Record value, or null (a tombstone).</param>
/// <param name="Headers">Record headers, or null; stripped when the broker cannot store them.</param>
/// <param name="Timestamp">Create time, or null for "now"; stripped when the broker cannot store it.</param>
/// <param name="PassThrough">Anything the caller wants back in the <see cref="ProducerResult{TPass}"/>.</param>
public sealed record ProducerMessage<TPass>(
    string Topic,
    int? Partition,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<KeyValuePair<string, byte[]?>>? Headers,
    DateTimeOffset? Timestamp,
    TPass PassThrough);
