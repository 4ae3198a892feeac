namespace ActorConnect.Api.Connector;

/// <summary>
/// Optional for tasks: a problem the task works around but an operator should see (a source file truncated or
/// rotated, a table skipped). The runtime reads it after every poll or put; when it changes, it is logged once and
/// shown in the task's status. Beyond Kafka Connect's SPI, which has no such channel; tasks without it are unaffected.
/// </summary>
public interface ITaskWarnings
{
    /// <summary>The latest warning, or null when there is none; read from the task's own thread.</summary>
    string? LastWarning { get; }
}
