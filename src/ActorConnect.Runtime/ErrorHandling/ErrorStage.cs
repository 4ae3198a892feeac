namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// Where in a task's pipeline an operation failed: Kafka Connect's <c>Stage</c>, whose names appear in logs, status
/// traces and the <c>__connect.errors.stage</c> dead-letter header.
/// </summary>
public enum ErrorStage
{
    TaskPoll,
    TaskPut,
    Transformation,
    KeyConverter,
    ValueConverter,
    HeaderConverter,
    KafkaProduce,
    KafkaConsume,
}

public static class ErrorStages
{
    /// <summary>The name Kafka Connect writes (<c>VALUE_CONVERTER</c>, ...).</summary>
    public static string KafkaName(this ErrorStage stage) => stage switch
    {
        ErrorStage.TaskPoll => "TASK_POLL",
        ErrorStage.TaskPut => "TASK_PUT",
        ErrorStage.Transformation => "TRANSFORMATION",
        ErrorStage.KeyConverter => "KEY_CONVERTER",
        ErrorStage.ValueConverter => "VALUE_CONVERTER",
        ErrorStage.HeaderConverter => "HEADER_CONVERTER",
        ErrorStage.KafkaProduce => "KAFKA_PRODUCE",
        ErrorStage.KafkaConsume => "KAFKA_CONSUME",
        _ => stage.ToString(),
    };

    /// <summary>
    /// Stages where any exception is a property of the record and may be tolerated; elsewhere only a
    /// <see cref="Api.Errors.RetriableException"/> whose retries ran out is (Kafka's TOLERABLE_EXCEPTIONS).
    /// </summary>
    public static bool ToleratesAnyException(this ErrorStage stage) =>
        stage is ErrorStage.Transformation or ErrorStage.KeyConverter or ErrorStage.ValueConverter or ErrorStage.HeaderConverter;

    public static bool IsConverter(this ErrorStage stage) =>
        stage is ErrorStage.KeyConverter or ErrorStage.ValueConverter or ErrorStage.HeaderConverter;
}
