namespace ActorConnect.Api.Sink;

/// <summary>The runtime's side of a sink task: rewinding offsets, pausing partitions and asking for commits.</summary>
public interface ISinkTaskContext
{
    /// <summary>The task's configuration.</summary>
    IReadOnlyDictionary<string, string> Configs { get; }

    /// <summary>Rewinds (or forwards) consumption of partitions to the given offsets (the next offset to read).</summary>
    void Offset(IReadOnlyDictionary<TopicPartition, long> offsets);

    /// <summary>Rewinds one partition.</summary>
    void Offset(TopicPartition partition, long offset);

    /// <summary>After a <see cref="Errors.RetriableException"/> from Put, wait this long before redelivering the batch.</summary>
    void Timeout(long timeoutMs);

    /// <summary>The partitions currently assigned to this task.</summary>
    IReadOnlyCollection<TopicPartition> Assignment { get; }

    /// <summary>Stops fetching the given partitions until <see cref="Resume"/>; the consumer stays in its group.</summary>
    void Pause(params TopicPartition[] partitions);

    /// <summary>Resumes fetching paused partitions.</summary>
    void Resume(params TopicPartition[] partitions);

    /// <summary>Asks for <see cref="SinkTask.PreCommit"/> and an offset commit as soon as possible.</summary>
    void RequestCommit();

    /// <summary>
    /// Reports records the task could not write to the connector's error handling (dead-letter queue, error log), as
    /// Kafka Connect's <c>errantRecordReporter()</c>; null when the connector configures neither
    /// (<c>errors.deadletterqueue.topic.name</c>, <c>errors.log.enable</c>), so a task can fall back to failing.
    /// </summary>
    IErrantRecordReporter? ErrantRecordReporter { get; }
}

/// <summary>Lets a sink task hand a record it could not write to the runtime's error handling instead of failing.</summary>
public interface IErrantRecordReporter
{
    /// <summary>
    /// Reports the record with the error that kept it from being written. The task completes when the report is durable
    /// (the dead-letter copy acknowledged); the runtime also waits for it before committing the record's offset.
    /// Throws when <c>errors.tolerance=none</c>: the task then fails, as it would have without the reporter.
    /// </summary>
    Task Report(SinkRecord record, Exception error);
}
