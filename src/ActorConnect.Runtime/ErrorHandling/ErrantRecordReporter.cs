using ActorConnect.Api.Sink;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// A sink task's <see cref="IErrantRecordReporter"/> (Kafka's KIP-610): a record the task could not write is reported
/// as a TASK_PUT failure of the task's class, so it goes to the log and the dead-letter queue with the bytes it was
/// consumed as, and fails the task when <c>errors.tolerance=none</c>. The returned task completes when the
/// dead-letter copy is acknowledged; the runtime waits for it anyway before committing the record's offset.
/// </summary>
internal sealed class ErrantRecordReporter(RetryWithToleranceOperator errors, Type taskType, Func<SinkRecord, RawRecord> rawOf) : IErrantRecordReporter
{
    public Task Report(SinkRecord record, Exception error)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(error);
        return errors.Failed(new ProcessingContext(ErrorStage.TaskPut, taskType, error, 1) { Raw = rawOf(record) });
    }
}
