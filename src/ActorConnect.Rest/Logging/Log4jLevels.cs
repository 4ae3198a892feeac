using Serilog.Events;

namespace ActorConnect.Rest.Logging;

/// <summary>The level names Kafka Connect users write (log4j's), and the Serilog level each one lets through.</summary>
public static class Log4jLevels
{
    /// <summary>Every name accepted by <c>PUT /admin/loggers</c>, from most to least verbose.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"];

    /// <summary>The lowest Serilog level a logger at <paramref name="name"/> writes; null for OFF (nothing).</summary>
    public static bool TryParse(string? name, out string normalized, out LogEventLevel? minimum)
    {
        normalized = (name ?? string.Empty).Trim().ToUpperInvariant();
        minimum = normalized switch
        {
            "ALL" or "TRACE" => LogEventLevel.Verbose,
            "DEBUG" => LogEventLevel.Debug,
            "INFO" => LogEventLevel.Information,
            "WARN" => LogEventLevel.Warning,
            "ERROR" => LogEventLevel.Error,
            "FATAL" => LogEventLevel.Fatal,
            _ => null,
        };
        return minimum is not null || normalized == "OFF";
    }

    /// <summary>The log4j name of a Serilog level, for a root level given as a Serilog level.</summary>
    public static string NameOf(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "TRACE",
        LogEventLevel.Debug => "DEBUG",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARN",
        LogEventLevel.Error => "ERROR",
        _ => "FATAL",
    };
}
