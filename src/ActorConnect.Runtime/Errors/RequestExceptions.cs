using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Errors;

/// <summary>A request the runtime refuses as malformed or not allowed in the current state (REST maps it to 400).</summary>
public class BadRequestException : ConnectException
{
    public BadRequestException(string message) : base(message) { }
}

/// <summary>A request that conflicts with another operation in progress (REST maps it to 409).</summary>
public class ConflictException : ConnectException
{
    public ConflictException(string message) : base(message) { }
}

/// <summary>A request for a feature the worker's configuration switches off (REST maps it to 403).</summary>
public class ForbiddenException : ConnectException
{
    public ForbiddenException(string message) : base(message) { }
}

/// <summary>
/// A request the worker could not carry out because Kafka failed it (down, or an answer the client cannot read): REST
/// maps it to 503 with this message, which names the broker's problem, rather than a bare 500.
/// </summary>
public class KafkaUnavailableException : ConnectException
{
    public KafkaUnavailableException(string message, Exception cause) : base(message, cause) { }
}

/// <summary>
/// A request this worker cannot serve now, though another may (a distributed worker not yet part of its group's
/// cluster, or standing down for another cluster of its group): REST maps it to 503 with this message, which says why.
/// </summary>
public class WorkerUnavailableException : ConnectException
{
    public WorkerUnavailableException(string message) : base(message) { }
}
