namespace ActorConnect.Rest;

/// <summary>
/// A request the REST layer itself refuses (bad query value, body that is not what the endpoint takes) or a failure
/// it detects (the worker did not answer in time), with the HTTP status Kafka Connect would give.
/// </summary>
public sealed class RestException(int statusCode, string message) : Exception(message)
{
    /// <summary>The HTTP status of the error body.</summary>
    public int StatusCode { get; } = statusCode;

    public static RestException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static RestException NotFound(string message) => new(StatusCodes.Status404NotFound, message);
}
