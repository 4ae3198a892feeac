using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorConnect.Rest.Logging;

/// <summary>
/// Log levels that change while the worker runs (Kafka Connect's <c>/admin/loggers</c>): a root level plus levels set
/// for logger name prefixes. A log event's logger is its <c>SourceContext</c> (a class name, as log4j's loggers are;
/// Akka.Logger.Serilog sets it too) or else its Akka <c>LogSource</c>; the longest set prefix, at a dot boundary,
/// decides. Installed into a Serilog pipeline with <see cref="Apply"/>.
/// </summary>
public sealed class LogLevelRegistry : Runtime.Logging.ILogLevels
{
    /// <summary>Kafka Connect's name for the root logger.</summary>
    public const string RootLogger = "root";

    // Loggers seen in events, so GET and PUT can tell which loggers exist (log4j knows its loggers). Bounded: Akka log
    // sources include actor paths, and a worker that lives for months must not grow this without end.
    private const int MaxSeenLoggers = 10_000;

    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly Func<DateTimeOffset> _clock;
    private volatile Snapshot _snapshot;

    /// <param name="rootLevel">The root level at start.</param>
    /// <param name="initial">Levels configured at start (shown with last_modified null, as log4j.properties entries are).</param>
    /// <param name="clock">The time of a change; tests pass a fixed one.</param>
    public LogLevelRegistry(string rootLevel = "INFO", IReadOnlyDictionary<string, string>? initial = null, Func<DateTimeOffset>? clock = null)
    {
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        var root = Entry.Parse(rootLevel, null);
        var explicitLevels = new SortedDictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var (name, level) in initial ?? new Dictionary<string, string>())
        {
            explicitLevels[name] = Entry.Parse(level, null);
        }

        _snapshot = new Snapshot(root, explicitLevels);
        MinimumLevel = new LoggingLevelSwitch(_snapshot.Minimum);
    }

    /// <summary>The most verbose level any logger has, so Serilog does not build events that every logger drops.</summary>
    public LoggingLevelSwitch MinimumLevel { get; }

    /// <summary>Makes a Serilog configuration honour this registry.</summary>
    public LoggerConfiguration Apply(LoggerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.MinimumLevel.ControlledBy(MinimumLevel).Filter.ByIncludingOnly(IsEnabled);
    }

    /// <summary>The Serilog filter: true when the event's logger is at or below the event's level.</summary>
    public bool IsEnabled(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var name = LoggerName(logEvent);
        if (name is not null && _seen.Count < MaxSeenLoggers)
        {
            _seen.TryAdd(name, 0);
        }

        var entry = _snapshot.Find(name);
        return entry.Minimum is { } min && logEvent.Level >= min;
    }

    /// <summary>Root plus every explicitly set logger, by name (GET /admin/loggers).</summary>
    public IReadOnlyDictionary<string, (string Level, DateTimeOffset? LastModified)> ExplicitLevels()
    {
        var s = _snapshot;
        var result = new SortedDictionary<string, (string, DateTimeOffset?)>(StringComparer.Ordinal) { [RootLogger] = (s.Root.Level, s.Root.LastModified) };
        foreach (var (name, entry) in s.Explicit)
        {
            result[name] = (entry.Level, entry.LastModified);
        }

        return result;
    }

    /// <summary>The level a logger works at, or null when no such logger exists (never set, never seen, no descendant seen).</summary>
    public (string Level, DateTimeOffset? LastModified)? LevelOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var s = _snapshot;
        if (name == RootLogger)
        {
            return (s.Root.Level, s.Root.LastModified);
        }

        if (!s.Explicit.ContainsKey(name) && !_seen.Keys.Any(seen => IsSelfOrDescendant(seen, name)))
        {
            return null;
        }

        var entry = s.Find(name);
        return (entry.Level, entry.LastModified);
    }

    /// <summary>
    /// Sets a logger's level, and its descendants' as log4j does: an explicit descendant is overwritten, so the
    /// namespace really is at the new level. Setting root sets every logger. Returns the loggers affected, sorted.
    /// Throws ArgumentException for a level name log4j does not know.
    /// </summary>
    public IReadOnlyList<string> SetLevel(string name, string level)
    {
        ArgumentNullException.ThrowIfNull(name);
        var entry = Entry.Parse(level, _clock());
        IReadOnlyList<string> affected;
        lock (_gate)
        {
            var s = _snapshot;
            var isRoot = name == RootLogger;
            var explicitLevels = new SortedDictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var (n, e) in s.Explicit)
            {
                explicitLevels[n] = isRoot || IsSelfOrDescendant(n, name) ? entry : e;
            }

            var root = s.Root;
            if (isRoot)
            {
                root = entry;
            }
            else
            {
                explicitLevels[name] = entry;
            }

            _snapshot = new Snapshot(root, explicitLevels);
            var names = new SortedSet<string>(StringComparer.Ordinal) { name };
            names.UnionWith(_seen.Keys.Where(n => isRoot || IsSelfOrDescendant(n, name)));
            names.UnionWith(explicitLevels.Keys.Where(n => isRoot || IsSelfOrDescendant(n, name)));
            affected = names.ToList();
            MinimumLevel.MinimumLevel = _snapshot.Minimum;
        }

        return affected;
    }

    private static string? LoggerName(LogEvent e)
    {
        if (e.Properties.TryGetValue(Constants.SourceContextPropertyName, out var sc) && sc is ScalarValue { Value: string s } && s.Length > 0)
        {
            return s;
        }

        return e.Properties.TryGetValue("LogSource", out var ls) && ls is ScalarValue { Value: string l } && l.Length > 0 ? l : null;
    }

    private static bool IsSelfOrDescendant(string name, string ancestor) =>
        name.StartsWith(ancestor, StringComparison.Ordinal) && (name.Length == ancestor.Length || name[ancestor.Length] == '.');

    private sealed record Entry(string Level, LogEventLevel? Minimum, DateTimeOffset? LastModified)
    {
        public static Entry Parse(string level, DateTimeOffset? when) =>
            Log4jLevels.TryParse(level, out var normalized, out var min)
                ? new Entry(normalized, min, when)
                : throw new ArgumentException($"Invalid log level '{level}'; use one of {string.Join(", ", Log4jLevels.Names)}", nameof(level));
    }

    // Replaced whole on every change, so the filter reads one consistent view without a lock.
    private sealed class Snapshot(Entry root, SortedDictionary<string, Entry> explicitLevels)
    {
        public Entry Root { get; } = root;

        public SortedDictionary<string, Entry> Explicit { get; } = explicitLevels;

        public LogEventLevel Minimum { get; } = explicitLevels.Values.Append(root).Select(e => e.Minimum ?? LogEventLevel.Fatal).Min();

        public Entry Find(string? name)
        {
            if (name is null)
            {
                return Root;
            }

            Entry? best = null;
            var bestLength = -1;
            foreach (var (prefix, entry) in Explicit)
            {
                if (prefix.Length > bestLength && IsSelfOrDescendant(name, prefix))
                {
                    best = entry;
                    bestLength = prefix.Length;
                }
            }

            return best ?? Root;
        }
    }
}
