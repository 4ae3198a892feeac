using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>Collects the error lines an ActorSystem logs, to check what <c>errors.log.enable</c> writes.</summary>
internal static class ErrorLogProbe
{
    public static ConcurrentQueue<string> Attach(ActorSystem system)
    {
        var lines = new ConcurrentQueue<string>();
        var collector = system.ActorOf(Props.Create(() => new Collector(lines)));
        system.EventStream.Subscribe(collector, typeof(Error));
        return lines;
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<string> lines) => Receive<Error>(e => lines.Enqueue(e.Message?.ToString() ?? string.Empty));
    }
}
