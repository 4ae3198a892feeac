namespace ActorConnect.Rest.Json;

/// <summary><c>GET /</c>: the worker's version, its commit and the Kafka cluster it works for.</summary>
public sealed record ServerInfoDto(string Version, string Commit, string? KafkaClusterId);

/// <summary><c>GET /health</c>: <c>status</c> is healthy, starting or unhealthy, as Kafka Connect 3.9 reports it.</summary>
public sealed record HealthDto(string Status, string Message);

/// <summary>A body holding only a message: the offsets endpoints' replies.</summary>
public sealed record MessageDto(string Message);

/// <summary>A logger's level as <c>/admin/loggers</c> shows it; <c>last_modified</c> is epoch milliseconds or null.</summary>
public sealed record LoggerLevelDto(string Level, long? LastModified);

/// <summary>The body of <c>PUT /admin/loggers/{name}</c>.</summary>
public sealed record LoggerLevelRequest(string? Level);
