using HoconConfig = Akka.Configuration.Config;
using Akka.Dispatch;

namespace ActorConnect.Runtime.Dispatch;

/// <summary>
/// Akka's <c>PinnedDispatcher</c> (a thread of its own for each actor) on a thread that sleeps as soon as its mailbox is
/// empty. A dispatcher uses it with <c>type = "ActorConnect.Runtime.Dispatch.DedicatedThreadDispatcherConfigurator,
/// ActorConnect.Runtime"</c>; the four shipped dispatchers (task, consumer, connector, worker) are of this type.
/// </summary>
/// <remarks>
/// Why not Akka's own: its pinned threads wait in Helios' DedicatedThreadPool, whose semaphore spins about a hundred
/// <c>Thread.Sleep(0)</c> calls before it blocks, after every message. One busy actor does not notice; a worker with
/// 300 tasks does: 350 pinned threads each spinning after every timer tick kept more than a core busy while nothing
/// flowed (bench case <c>many</c>, perf: most of the idle CPU in <c>sched_yield</c> under <c>PoolWorker.RunThread</c>).
/// Everything else (one actor per dispatcher, throughput, shutdown after <c>shutdown-timeout</c> without actors) is
/// Akka's <see cref="PinnedDispatcher"/> unchanged.
/// </remarks>
public sealed class DedicatedThreadDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly DedicatedThreadExecutorFactory _executor;

    /// <summary>Called by Akka with the dispatcher's config section (its defaults from <c>akka.actor.default-dispatcher</c>).</summary>
    public DedicatedThreadDispatcherConfigurator(HoconConfig config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites) =>
        _executor = new DedicatedThreadExecutorFactory(config, prerequisites);

    /// <summary>A new dispatcher, and so a new thread, for every actor, as Akka's <c>PinnedDispatcher</c> does.</summary>
    public override MessageDispatcher Dispatcher() =>
        new PinnedDispatcher(this, Config.GetString("id", null), Config.GetInt("throughput", 0),
            Config.GetTimeSpan("throughput-deadline-time", null).Ticks, _executor, Config.GetTimeSpan("shutdown-timeout", null));
}
