using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Dispatch;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// A dispatcher of type <see cref="DedicatedThreadDispatcherConfigurator"/>: a thread of its own for every actor (what
/// Akka's PinnedDispatcher promises), on threads that wait without spinning and end when their actor is gone.
/// The shipped task, consumer, connector and worker dispatchers are of this type (bench/results/perf-notes.md, "Issue 19,
/// many tasks": Akka's own spin after every message).
/// </summary>
public sealed class DedicatedThreadDispatcherTests() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(
        $"test-dispatcher.type = \"{typeof(DedicatedThreadDispatcherConfigurator).FullName}, ActorConnect.Runtime\"")
    .WithFallback(PatientTestKit.Over(RuntimeSettings.DefaultConfig())))
{
    private const string Dispatcher = "test-dispatcher";

    public static TheoryData<string> ShippedDispatchers() => new(RuntimeSettings.Create(RuntimeSettings.DefaultConfig()) is var s
        ? [s.TaskDispatcher, s.ConsumerDispatcher, s.ConnectorDispatcher, s.WorkerDispatcher]
        : []);

    [Theory]
    [MemberData(nameof(ShippedDispatchers))]
    public void Each_shipped_dispatcher_is_the_dedicated_thread_one(string dispatcher)
    {
        var actor = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(dispatcher));
        actor.Tell(ThreadReporter.WhichDispatcher.Instance, TestActor);

        Assert.IsType<DedicatedThreadDispatcherConfigurator>(ExpectMsg<MessageDispatcherConfiguratorReply>().Configurator);
    }

    [Fact]
    public void A_dispatcher_of_the_dedicated_thread_type_is_made_by_its_configurator()
    {
        var actor = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(Dispatcher));
        actor.Tell(ThreadReporter.WhichDispatcher.Instance, TestActor);

        Assert.IsType<DedicatedThreadDispatcherConfigurator>(ExpectMsg<MessageDispatcherConfiguratorReply>().Configurator);
    }

    [Fact]
    public void An_actor_blocked_on_its_thread_holds_up_no_other_actor_of_the_dispatcher()
    {
        var blocked = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(Dispatcher));
        var other = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(Dispatcher));
        using var release = new ManualResetEventSlim();

        blocked.Tell(new ThreadReporter.Block(release), TestActor);
        var blockedThread = ExpectMsg<Thread>();
        other.Tell(ThreadReporter.WhichThread.Instance, TestActor);
        var otherThread = ExpectMsg<Thread>();
        release.Set();

        Assert.NotSame(blockedThread, otherThread);
        Assert.StartsWith("test-dispatcher_", otherThread.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_run_in_order_on_one_thread_which_ends_after_its_actor_stops()
    {
        var actor = Sys.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(Dispatcher));
        for (var i = 0; i < 1000; i++)
            actor.Tell(i, TestActor);

        var seen = ReceiveN(1000).Cast<(int Number, Thread Thread)>().ToList();
        Assert.Equal(Enumerable.Range(0, 1000), seen.Select(s => s.Number));
        var thread = Assert.Single(seen.Select(s => s.Thread).Distinct());

        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        // Akka shuts a dispatcher's executor down once it has had no actor for its shutdown-timeout (1 s by default).
        AwaitCondition(() => !thread.IsAlive, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Work_handed_to_a_shut_down_executor_is_refused_rather_than_lost()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", "test-dispatcher_1", Sys.EventStream);
        var ran = new CountdownEvent(1);
        executor.Execute(new Work(() => ran.Signal()));
        Assert.True(ran.Wait(TimeSpan.FromSeconds(30)));

        executor.Shutdown();

        // Akka answers a refusal by handing the work to a new executor; a silently queued item would never run.
        Assert.Throws<Akka.Dispatch.RejectedExecutionException>(() => executor.Execute(new Work(() => { })));
    }

    private sealed class Work(Action action) : Akka.Dispatch.IRunnable
    {
        public void Run() => action();

        public void Execute() => action();
    }

    private sealed record MessageDispatcherConfiguratorReply(Akka.Dispatch.MessageDispatcherConfigurator Configurator);

    private sealed class ThreadReporter : ReceiveActor
    {
        public ThreadReporter()
        {
            Receive<WhichDispatcher>(_ => Sender.Tell(new MessageDispatcherConfiguratorReply(Context.Dispatcher.Configurator)));
            Receive<WhichThread>(_ => Sender.Tell(Thread.CurrentThread));
            Receive<Block>(b =>
            {
                Sender.Tell(Thread.CurrentThread);
                b.Release.Wait(TimeSpan.FromMinutes(1));
            });
            Receive<int>(i => Sender.Tell((i, Thread.CurrentThread)));
        }

        public sealed record WhichDispatcher
        {
            public static readonly WhichDispatcher Instance = new();
        }

        public sealed record WhichThread
        {
            public static readonly WhichThread Instance = new();
        }

        public sealed record Block(ManualResetEventSlim Release);
    }
}
