using ActorConnect.Api.Data;
using ActorConnect.Api.Sink;

namespace ActorConnect.TestKit;

/// <summary>Records to hand a task under test, shaped as the runtime would deliver them.</summary>
public static class TestRecords
{
    /// <summary>
    /// String-valued sink records of one partition, at consecutive offsets from <paramref name="firstOffset"/>, as the
    /// runtime puts them after the string converter (optional string schema, no key).
    /// </summary>
    public static IReadOnlyList<SinkRecord> ForSink(string topic, int partition, long firstOffset, params string?[] values) =>
        values.Select((v, i) => new SinkRecord(topic, partition, null, null, Schema.OptionalStringSchema, v, firstOffset + i)).ToList();

    /// <summary>String-valued sink records of partition 0 from offset 0.</summary>
    public static IReadOnlyList<SinkRecord> ForSink(string topic, params string?[] values) => ForSink(topic, 0, 0, values);
}
