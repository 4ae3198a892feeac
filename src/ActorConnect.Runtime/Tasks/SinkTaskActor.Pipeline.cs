using System.Collections.Concurrent;
using ActorConnect.Api.Data;
using ActorConnect.Api.Sink;
using ActorConnect.Kafka;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Transforms;
using Akka.Event;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// The sink task's way from a consumed record to what put() gets: header, key and value conversion, then the
/// transformation chain, each under the connector's <c>errors.*</c> handling (Kafka Connect's stages HEADER_CONVERTER,
/// KEY_CONVERTER, VALUE_CONVERTER, TRANSFORMATION). A record that fails and is tolerated is skipped and reported; one
/// that may not be skipped fails the task, after the records before it were put and their offsets committed.
/// </summary>
public sealed partial class SinkTaskActor
{
    private TransformationChain<SinkRecord> _chain = TransformationChain<SinkRecord>.Empty;
    private RetryWithToleranceOperator? _errors;
    private DeadLetterQueueReporter? _deadLetters;
    private Type _keyConverterType = typeof(object);
    private Type _valueConverterType = typeof(object);
    private RecordBytes? _recordBytes;

    // The consumed bytes of the batch being put, by original coordinates: what an errant record report sends to the
    // dead-letter queue. Kept only when the task has an errant record reporter; concurrent because a task may report
    // from threads of its own.
    private ConcurrentDictionary<(TopicPartition, long), ConsumedRecord>? _batchRaw;

    private void StartPipeline(BrokerFeatures features)
    {
        _keyConverterType = _keyConverter!.GetType();
        _valueConverterType = _valueConverter!.GetType();
        _chain = CreateTransformationChain<SinkRecord>();
        _errors = CreateErrorHandling(features, null, out _deadLetters);
    }

    private ErrantRecordReporter? CreateErrantRecordReporter()
    {
        if (!_errors!.HasReporters)
        {
            return null;
        }

        _batchRaw = new ConcurrentDictionary<(TopicPartition, long), ConsumedRecord>();
        _recordBytes = new RecordBytes(CreateConverter(isKey: true), CreateConverter(isKey: false));
        return new ErrantRecordReporter(_errors, TaskType, RawOf);
    }

    private RawRecord RawOf(SinkRecord record) =>
        _batchRaw is not null && _batchRaw.TryGetValue((record.OriginalTopicPartition, record.OriginalKafkaOffset), out var raw)
            ? RawRecord.From(raw)
            : _recordBytes!.Serialize(record, record.OriginalTopic, record.OriginalKafkaPartition, record.OriginalKafkaOffset);

    private void BeginBatch() => _batchRaw?.Clear();

    private void EndBatch() => _errors!.Begin((ConsumedRecord?)null);

    /// <summary>The record put() gets, or null when a transform dropped it or a tolerated failure skipped it.</summary>
    private SinkRecord? ConvertAndTransform(ConsumedRecord raw)
    {
        var errors = _errors!;
        errors.Begin(raw);
        if (!errors.Execute(ErrorStage.HeaderConverter, typeof(HeaderBytes), raw, static r => HeaderBytes.FromKafka(r.Headers), out var headers) ||
            !errors.Execute(ErrorStage.KeyConverter, _keyConverterType, (_keyConverter!, raw, headers),
                static s => s.Item1.ToConnectData(s.raw.Topic, s.headers, s.raw.Key), out var key) ||
            !errors.Execute(ErrorStage.ValueConverter, _valueConverterType, (_valueConverter!, raw, headers),
                static s => s.Item1.ToConnectData(s.raw.Topic, s.headers, s.raw.Value), out var value))
        {
            return null;
        }

        var timestampType = raw.TimestampType switch
        {
            Confluent.Kafka.TimestampType.CreateTime => Api.Sink.TimestampType.CreateTime,
            Confluent.Kafka.TimestampType.LogAppendTime => Api.Sink.TimestampType.LogAppendTime,
            _ => Api.Sink.TimestampType.NoTimestampType,
        };
        var record = new SinkRecord(raw.Topic, raw.Partition, key.Schema, key.Value, value.Schema, value.Value, raw.Offset, raw.Timestamp, timestampType, headers);
        var result = _chain.IsEmpty ? record : _chain.Apply(record, errors);
        if (result is not null)
        {
            _batchRaw?.TryAdd((new TopicPartition(raw.Topic, raw.Partition), raw.Offset), raw);
        }

        return result;
    }

    /// <summary>
    /// A record failed beyond tolerance: what came before it in the batch is still put and committed, so the failed
    /// task resumes at the failed record, not before it. Whatever goes wrong here is logged; the record's failure
    /// is what the task fails with.
    /// </summary>
    private void CommitBeforeFailing(List<SinkRecord> records, Dictionary<TopicPartition, long> consumed)
    {
        try
        {
            if (records.Count > 0)
            {
                _task!.Put(records);
            }

            foreach (var (tp, offset) in consumed)
            {
                _currentOffsets[tp] = offset;
            }

            CommitNow("failing task's");
        }
        catch (Exception e)
        {
            Log.Warning(e, "Task {0}: could not put and commit the records before the failed one: {1}", Id, e.Message);
        }
    }

    /// <summary>Dead-letter copies must be answered by Kafka before the offsets of the records they stand for are committed.</summary>
    private bool FlushDeadLetters() => _deadLetters?.Flush(Services.Worker.OffsetFlushTimeout) ?? true;

    private void DisposePipeline()
    {
        DisposeQuietly(_chain, _errors, Metrics);
        _chain = TransformationChain<SinkRecord>.Empty;
        _errors = null;
        _deadLetters = null;
    }
}
