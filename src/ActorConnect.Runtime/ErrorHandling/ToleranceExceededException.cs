using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// A record failed and error handling may not skip it, so the task fails: Kafka Connect's "Tolerance exceeded in
/// error handler" (<c>errors.tolerance=none</c>) or "Unhandled exception in error handler" (an error no tolerance
/// covers). The message names the stage, the class and the record; the inner exception is the error itself.
/// </summary>
public sealed class ToleranceExceededException(ProcessingContext context, bool tolerable)
    : ConnectException(Describe(context, tolerable), context.Error)
{
    public ProcessingContext Context { get; } = context;

    private static string Describe(ProcessingContext c, bool tolerable)
    {
        var prefix = tolerable ? "Tolerance exceeded in error handler" : "Unhandled exception in error handler";
        var attempts = c.Attempts > 1 ? $" after {c.Attempts} attempts" : string.Empty;
        var hint = c.Stage.IsConverter()
            ? " Check key.converter/value.converter (and their schemas.enable) against what the topic holds."
            : string.Empty;
        var advice = tolerable ? " errors.tolerance=all skips such records; errors.deadletterqueue.topic.name keeps them." : string.Empty;
        var error = c.Error.Message.TrimEnd();
        return $"{prefix}: {c.Stage.KafkaName()} with class '{c.ExecutingClass.FullName}' failed on {c.DescribeRecord()}{attempts}: " +
               $"{error}{(error.EndsWith('.') ? string.Empty : ".")}{hint}{advice}";
    }
}
