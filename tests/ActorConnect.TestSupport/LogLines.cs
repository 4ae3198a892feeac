using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.TestSupport;

/// <summary>
/// Every log line an ActorSystem publishes from the moment of <see cref="Capture"/>, rendered as the host's logger
/// prints it (the formatted message, then the exception with its inner exceptions and stack trace): for tests of what
/// reaches the log.
/// </summary>
public sealed class LogLines
{
    private readonly ConcurrentQueue<string> _lines = new();

    private LogLines()
    {
    }

    /// <summary>The lines so far.</summary>
    public IReadOnlyList<string> All => _lines.ToArray();

    /// <summary>Starts capturing <paramref name="system"/>'s log events (every level the system publishes).</summary>
    public static LogLines Capture(ActorSystem system)
    {
        var lines = new LogLines();
        var collector = system.ActorOf(Props.Create(() => new Collector(lines._lines)));
        system.EventStream.Subscribe(collector, typeof(LogEvent));
        return lines;
    }

    /// <summary>The lines that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Containing(string text) => All.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<string> lines) =>
            Receive<LogEvent>(e => lines.Enqueue($"[{e.LogLevel()}] {e.LogSource} {e.Message}{(e.Cause is null ? "" : "\n" + e.Cause)}"));
    }
}
