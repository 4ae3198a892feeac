using System.Diagnostics.CodeAnalysis;

namespace ActorConnect.Api.Connector;

/// <summary>
/// Optional for tasks: lines to log that are no problem, so not <see cref="ITaskWarnings"/> (an operator's log request,
/// a progress notification). The runtime takes them after every poll and logs each at INFO under the task's id.
/// Beyond Kafka Connect's SPI, whose tasks log through SLF4J themselves; tasks without it are unaffected.
/// </summary>
public interface ITaskLog
{
    /// <summary>Takes the next line to log; false when none is waiting. Called from the task's own thread.</summary>
    bool TryTakeLine([NotNullWhen(true)] out string? line);
}
