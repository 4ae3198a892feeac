namespace ActorConnect.Rest.Json;

/// <summary>Kafka Connect's error body, the same for every 4xx and 5xx: <c>{"error_code": 404, "message": "..."}</c>.</summary>
public sealed record ErrorMessage(int ErrorCode, string Message);
