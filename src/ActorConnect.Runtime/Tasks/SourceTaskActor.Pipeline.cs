using ActorConnect.Api.Source;
using ActorConnect.Kafka;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Transforms;
using Akka.Event;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// The source task's way from a polled record to the producer: the transformation chain, then header, key and value
/// conversion, each under the connector's <c>errors.*</c> handling (Kafka Connect's stages TRANSFORMATION,
/// HEADER_CONVERTER, KEY_CONVERTER, VALUE_CONVERTER), and with <c>errors.tolerance=all</c> also records Kafka refuses
/// (KAFKA_PRODUCE). A dropped or skipped record's offset is still stored once everything polled before it is in
/// Kafka. Beyond Kafka Connect, a source connector may name a dead-letter queue: skipped records go there as the task
/// polled them, with their source partition and offset in the error context.
/// </summary>
public sealed partial class SourceTaskActor
{
    private SourceRecordPipeline? _pipeline;
    private volatile RetryWithToleranceOperator? _errors;
    private DeadLetterQueueReporter? _deadLetters;

    private void StartPipeline(BrokerFeatures features)
    {
        var chain = CreateTransformationChain<SourceRecord>();
        // The dead-letter copy is made with converters of its own: a delivery failure is reported on the producer's thread.
        var bytes = new RecordBytes(CreateConverter(isKey: true), CreateConverter(isKey: false));
        try
        {
            _errors = CreateErrorHandling(features, bytes.Serialize, out _deadLetters);
        }
        catch
        {
            chain.Dispose();
            throw;
        }

        _pipeline = new SourceRecordPipeline(_keyConverter!, _valueConverter!, chain, _errors);
    }

    /// <summary>The message for Kafka, or null when a transform dropped the record or a tolerated failure skipped it.</summary>
    private ProducerMessage<SourceRecord>? TransformAndConvert(SourceRecord polled)
    {
        if (!_pipeline!.TryProcess(polled, out var converted))
        {
            return null;
        }

        var record = converted.Record;
        TopicUsed(record.Topic);
        // The polled record travels with the message: its offset is what gets stored, and CommitRecord gets it.
        return new ProducerMessage<SourceRecord>(record.Topic, record.KafkaPartition, converted.Key, converted.Value, converted.Headers, record.Timestamp, polled);
    }

    private void EndBatch() => _errors!.Begin((SourceRecord?)null);

    /// <summary>A delivery Kafka refused, with errors.tolerance=all: reported (dead-letter queue, log) and skipped. Producer thread.</summary>
    private static void ProduceFailed(RetryWithToleranceOperator errors, ProducerBatchResult<SourceRecord> results, int index)
    {
        var message = results.Messages[index];
        var error = new Confluent.Kafka.KafkaException(results.ErrorAt(index)!);
        try
        {
            errors.Failed(new ProcessingContext(ErrorStage.KafkaProduce, typeof(KafkaProducerFlow), error, 1)
            {
                Raw = new RawRecord(message.Topic, message.Partition ?? -1, -1, message.Key, message.Value, message.Headers, message.Timestamp),
                Source = message.PassThrough,
            });
        }
        catch (ObjectDisposedException)
        {
            // The task failed and closed its dead-letter producer while this result was on its way; the record's offset
            // is not stored either, so it is polled again.
        }
    }

    /// <summary>
    /// A record failed beyond tolerance: what was polled before it is still produced and its offsets stored, so the
    /// restarted task polls again from the failed record. Whatever goes wrong here is logged; the record's failure is
    /// what the task fails with.
    /// </summary>
    private void StoreBeforeFailing()
    {
        try
        {
            AwaitInFlight();
            StoreOffsets();
        }
        catch (Exception e)
        {
            Log.Warning(e, "Task {0}: could not store the offsets of the records before the failed one: {1}", Id, e.Message);
        }
    }

    /// <summary>
    /// Ends the producer stream and waits up to <c>offset.flush.timeout.ms</c> for the records already handed to it, so
    /// the offsets stored next cover them (Kafka Connect's last flush). A record still unacknowledged then keeps its
    /// offset unstored and is sent again when the task resumes: the one way a clean stop duplicates, so it is logged. A
    /// stream that merely ended late (a starved machine) with every record acknowledged loses nothing and is not.
    /// </summary>
    private void AwaitInFlight()
    {
        _handoff!.Complete();
        if (!_streamDone!.Wait(Services.Worker.OffsetFlushTimeout) && _tracker.InFlight > 0)
        {
            Log.Warning("Task {0}: {1} records sent to Kafka were not acknowledged within offset.flush.timeout.ms ({2:N0} ms); their offsets are not stored, " +
                "so they are sent again when the task resumes", Id, _tracker.InFlight, Services.Worker.OffsetFlushTimeout.TotalMilliseconds);
        }
    }

    /// <summary>Dead-letter copies must be answered by Kafka before the offsets of the records they stand for are stored.</summary>
    private bool FlushDeadLetters() => _deadLetters?.Flush(Services.Worker.OffsetFlushTimeout) ?? true;

    private void DisposePipeline()
    {
        DisposeQuietly(_pipeline ?? (IDisposable?)_errors, Metrics);
        _pipeline = null;
        _errors = null;
        _deadLetters = null;
    }
}
