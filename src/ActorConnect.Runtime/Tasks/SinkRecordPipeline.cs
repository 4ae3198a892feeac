using ActorConnect.Api.Sink;
using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Transforms;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// A sink task's way from a consumed record to what put() gets: header, key and value conversion, then the
/// transformation chain, each under the connector's <c>errors.*</c> handling (Kafka Connect's stages HEADER_CONVERTER,
/// KEY_CONVERTER, VALUE_CONVERTER, TRANSFORMATION). The task actor runs it per consumed record;
/// <c>actorconnect test</c> runs the same object on the records of a cases file.
/// </summary>
public sealed class SinkRecordPipeline(IConverter keyConverter, IConverter valueConverter, TransformationChain<SinkRecord> chain, RetryWithToleranceOperator errors)
    : RecordPipeline<SinkRecord>(keyConverter, valueConverter, chain, errors)
{
    /// <summary>
    /// The record put() gets, or null when a transform dropped it or a tolerated failure skipped it. Throws
    /// <see cref="ToleranceExceededException"/> when a failure may not be skipped.
    /// </summary>
    public SinkRecord? Process(ConsumedRecord raw)
    {
        var errors = Errors;
        errors.Begin(raw);
        if (!errors.Execute(ErrorStage.HeaderConverter, typeof(HeaderBytes), raw, static r => HeaderBytes.FromKafka(r.Headers), out var headers) ||
            !errors.Execute(ErrorStage.KeyConverter, KeyConverterType, (KeyConverter, raw, headers),
                static s => s.Item1.ToConnectData(s.raw.Topic, s.headers, s.raw.Key), out var key) ||
            !errors.Execute(ErrorStage.ValueConverter, ValueConverterType, (ValueConverter, raw, headers),
                static s => s.Item1.ToConnectData(s.raw.Topic, s.headers, s.raw.Value), out var value))
        {
            return null;
        }

        var timestampType = raw.TimestampType switch
        {
            Confluent.Kafka.TimestampType.CreateTime => TimestampType.CreateTime,
            Confluent.Kafka.TimestampType.LogAppendTime => TimestampType.LogAppendTime,
            _ => TimestampType.NoTimestampType,
        };
        var record = new SinkRecord(raw.Topic, raw.Partition, key.Schema, key.Value, value.Schema, value.Value, raw.Offset, raw.Timestamp, timestampType, headers);
        return Chain.IsEmpty ? record : Chain.Apply(record, errors);
    }
}
