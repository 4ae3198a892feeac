namespace ActorConnect.Runtime.Logging;

/// <summary>
/// The log levels of this process that change while it runs (Kafka Connect's <c>/admin/loggers</c>). The host's
/// logging owns them; the worker gets them so a level set with <c>scope=cluster</c> on another worker applies here.
/// </summary>
public interface ILogLevels
{
    /// <summary>Sets a logger's level and its descendants'; returns the loggers affected. Throws ArgumentException for an unknown level.</summary>
    IReadOnlyList<string> SetLevel(string name, string level);
}
