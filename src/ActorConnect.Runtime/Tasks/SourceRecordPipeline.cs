using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Transforms;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// A source task's way from a polled record to the bytes for Kafka: the transformation chain, then header, key and
/// value conversion, each under the connector's <c>errors.*</c> handling (Kafka Connect's stages TRANSFORMATION,
/// HEADER_CONVERTER, KEY_CONVERTER, VALUE_CONVERTER). The task actor runs it per polled record; <c>actorconnect test</c>
/// runs the same object on the records of a cases file, so what a test shows is what a task does.
/// </summary>
public sealed class SourceRecordPipeline(IConverter keyConverter, IConverter valueConverter, TransformationChain<SourceRecord> chain, RetryWithToleranceOperator errors)
    : RecordPipeline<SourceRecord>(keyConverter, valueConverter, chain, errors)
{
    /// <summary>
    /// Transforms and converts <paramref name="polled"/>; false when a transform dropped it or a tolerated failure
    /// skipped it. Throws <see cref="ToleranceExceededException"/> when a failure may not be skipped.
    /// </summary>
    public bool TryProcess(SourceRecord polled, out ConvertedSourceRecord converted)
    {
        converted = default;
        var errors = Errors;
        errors.Begin(polled);
        var record = Chain.IsEmpty ? polled : Chain.Apply(polled, errors);
        if (record is null)
        {
            return false;
        }

        if (!errors.Execute(ErrorStage.HeaderConverter, typeof(HeaderBytes), record, static r => HeaderBytes.ToKafka(r.Headers), out var headers) ||
            !errors.Execute(ErrorStage.KeyConverter, KeyConverterType, (KeyConverter, record),
                static s => s.Item1.FromConnectData(s.record.Topic, s.record.Headers, s.record.KeySchema, s.record.Key), out var key) ||
            !errors.Execute(ErrorStage.ValueConverter, ValueConverterType, (ValueConverter, record),
                static s => s.Item1.FromConnectData(s.record.Topic, s.record.Headers, s.record.ValueSchema, s.record.Value), out var value))
        {
            return false;
        }

        converted = new ConvertedSourceRecord(record, key, value, headers);
        return true;
    }
}

/// <summary>A source record after the transforms, with the bytes the converters made of it.</summary>
/// <param name="Record">The record the transforms returned: its topic, partition and timestamp go to Kafka.</param>
/// <param name="Key">The key converter's bytes.</param>
/// <param name="Value">The value converter's bytes.</param>
/// <param name="Headers">The header bytes, null when there are none.</param>
public readonly record struct ConvertedSourceRecord(SourceRecord Record, byte[]? Key, byte[]? Value, IReadOnlyList<KeyValuePair<string, byte[]?>>? Headers);
