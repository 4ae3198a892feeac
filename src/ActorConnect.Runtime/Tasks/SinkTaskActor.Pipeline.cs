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
    private SinkRecordPipeline? _pipeline;
    private RetryWithToleranceOperator? _errors;
    private DeadLetterQueueReporter? _deadLetters;
    private RecordBytes? _recordBytes;

    // The consumed bytes of the batch being put, by original coordinates: what an errant record report sends to the
    // dead-letter queue. Kept only when the task has an errant record reporter; concurrent because a task may report
    // from threads of its own.
    private ConcurrentDictionary<(TopicPartition, long), ConsumedRecord>? _batchRaw;

    private void StartPipeline(BrokerFeatures features)
    {
        var chain = CreateTransformationChain<SinkRecord>();
        try
        {
            _errors = CreateErrorHandling(features, null, out _deadLetters);
        }
        catch
        {
            chain.Dispose();
            throw;
        }

        _pipeline = new SinkRecordPipeline(_keyConverter!, _valueConverter!, chain, _errors);
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
        var result = _pipeline!.Process(raw);
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
        DisposeQuietly(_pipeline ?? (IDisposable?)_errors, Metrics);
        _pipeline = null;
        _errors = null;
        _deadLetters = null;
    }
}
