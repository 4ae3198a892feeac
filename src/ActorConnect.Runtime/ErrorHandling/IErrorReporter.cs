namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>Told about every failed operation (Kafka Connect's ErrorReporter): the log, the dead-letter queue.</summary>
public interface IErrorReporter : IDisposable
{
    /// <summary>Reports a failure; the task completes when the report is durable. Thread-safe.</summary>
    Task Report(ProcessingContext context);
}
