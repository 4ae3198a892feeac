namespace ActorConnect.Api.Errors;

/// <summary>
/// Base of every exception a connector or the runtime raises on purpose. Anything else escaping a
/// connector is treated as a bug and fails the task with its root cause in the status.
/// </summary>
public class ConnectException : Exception
{
    /// <summary>Creates an exception with a message that names the problem and, where possible, the fix.</summary>
    public ConnectException(string message) : base(message) { }

    /// <summary>Creates an exception wrapping the underlying cause.</summary>
    public ConnectException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// A failure that may succeed if retried (a database briefly down, a broker leader moving).
/// From <c>SinkTask.Put</c> it means "redeliver the same batch later", not "fail the task";
/// from <c>SourceTask.Poll</c> it means "poll again after a backoff".
/// </summary>
public class RetriableException : ConnectException
{
    /// <summary>Creates a retriable exception.</summary>
    public RetriableException(string message) : base(message) { }

    /// <summary>Creates a retriable exception wrapping its cause.</summary>
    public RetriableException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>Data that does not match its schema, or bytes a converter cannot read.</summary>
public class DataException : ConnectException
{
    /// <summary>Creates a data exception.</summary>
    public DataException(string message) : base(message) { }

    /// <summary>Creates a data exception wrapping its cause.</summary>
    public DataException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A configuration value that is missing or wrong. The message names the key and the fix.</summary>
public class ConfigException : ConnectException
{
    /// <summary>Creates a config exception with a full message.</summary>
    public ConfigException(string message) : base(message) { }

    /// <summary>Creates the standard "Invalid value X for configuration K: reason" message Kafka Connect users know.</summary>
    public ConfigException(string name, object? value, string reason)
        : base($"Invalid value {value ?? "null"} for configuration {name}: {reason}")
    {
        Name = name;
    }

    /// <summary>The configuration key at fault, when one key is.</summary>
    public string? Name { get; }
}
