using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Dispatch;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// <see cref="DeadlineScheduler"/>, the shipped <c>akka.scheduler.implementation</c>: Akka's scheduler contract (tells
/// and actions once or repeatedly, cancellation, shutdown) on a thread that sleeps until something is due.
/// </summary>
public sealed class DeadlineSchedulerTests() : Akka.TestKit.Xunit2.TestKit(PatientTestKit.Over(RuntimeSettings.DefaultConfig()))
{
    [Fact]
    public void The_runtime_s_ActorSystem_runs_on_it()
    {
        Assert.IsType<DeadlineScheduler>(Sys.Scheduler);
    }

    [Fact]
    public void Tells_arrive_in_the_order_of_their_deadlines_and_equal_deadlines_in_the_order_they_were_scheduled()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(300), TestActor, "third", ActorRefs.NoSender);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(100), TestActor, "first", ActorRefs.NoSender);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(200), TestActor, "second", ActorRefs.NoSender);
        ExpectMsg("first");
        ExpectMsg("second");
        ExpectMsg("third");

        for (var i = 0; i < 200; i++)
        {
            Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), TestActor, i, ActorRefs.NoSender);
        }

        for (var i = 0; i < 200; i++)
        {
            ExpectMsg(i);
        }
    }

    [Fact]
    public void A_cancelled_tell_never_arrives_and_a_repeated_one_arrives_until_it_is_cancelled()
    {
        var cancelled = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(100), TestActor, "cancelled", ActorRefs.NoSender, cancelled);
        cancelled.Cancel();
        var repeated = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20), TestActor, "again", ActorRefs.NoSender, repeated);

        for (var i = 0; i < 5; i++)
        {
            ExpectMsg("again");
        }

        repeated.Cancel();
        // Repeats sent before the cancel may still be queued for the test actor, and one may be on its way: a marker
        // due later comes after all of them (tells arrive in deadline order). Between it and a second marker there
        // must be none, and the cancelled tell (due long before) never comes.
        var received = DrainUntilMarker();
        Assert.DoesNotContain("cancelled", received);
        Assert.Empty(DrainUntilMarker());
    }

    private List<object> DrainUntilMarker()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(100), TestActor, "marker", ActorRefs.NoSender);
        var before = new List<object>();
        while (ExpectMsg<object>() is var message && !Equals(message, "marker"))
        {
            before.Add(message);
        }

        return before;
    }

    [Fact]
    public async Task Actions_and_Akka_Streams_timers_run_on_it()
    {
        var ran = new TaskCompletionSource();
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(10), () => ran.SetResult());
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var ticks = await Source.Tick(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), "tick").Take(5)
            .RunWith(Sink.Seq<string>(), Sys.Materializer()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, ticks.Count);
    }

    [Fact]
    public void After_disposal_scheduling_is_refused_and_what_was_pending_ran_once()
    {
        var config = ConfigurationFactory.ParseString("akka.scheduler.shutdown-timeout = 5s");
        var scheduler = new DeadlineScheduler(config, NoLogger.Instance);
        var pending = 0;
        var cancelledRan = 0;
        var cancelled = new Cancelable((IScheduler)scheduler);
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromHours(1), () => Interlocked.Increment(ref pending));
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromHours(1), () => Interlocked.Increment(ref cancelledRan), cancelled);
        cancelled.Cancel();

        scheduler.Dispose();

        Assert.Equal(1, pending);
        Assert.Equal(0, cancelledRan);
        Assert.Throws<SchedulerException>(() => ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.Zero, () => { }));
    }

    [Fact]
    public async Task A_scheduled_action_may_dispose_the_scheduler_without_waiting_for_its_own_thread()
    {
        // With a long shutdown timeout a scheduler waiting for its own thread would hang past the test's wait.
        var config = ConfigurationFactory.ParseString("akka.scheduler.shutdown-timeout = 60s");
        var scheduler = new DeadlineScheduler(config, NoLogger.Instance);
        var disposed = new TaskCompletionSource();
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(1), () =>
        {
            scheduler.Dispose();
            disposed.SetResult();
        });

        await disposed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Throws<SchedulerException>(() => ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.Zero, () => { }));
    }

    [Fact]
    public void No_timer_runs_before_it_is_due_by_the_scheduler_s_own_clock()
    {
        var config = ConfigurationFactory.ParseString("akka.scheduler.shutdown-timeout = 5s");
        using var scheduler = new DeadlineScheduler(config, NoLogger.Instance);
        var advanced = ((IScheduler)scheduler).Advanced;
        var early = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var done = new CountdownEvent(200);
        for (var i = 0; i < 200; i++)
        {
            var delay = TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond * (1 + i % 20) + i * 997 % TimeSpan.TicksPerMillisecond);
            var due = scheduler.HighResMonotonicClock + delay;
            advanced.ScheduleOnce(delay, () =>
            {
                var ranAt = scheduler.HighResMonotonicClock;
                if (ranAt < due)
                {
                    early.Add($"due {due.TotalMilliseconds:F3} ms, ran {ranAt.TotalMilliseconds:F3} ms");
                }

                done.Signal();
            });
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(20)));
        Assert.Empty(early);
    }

    [Fact]
    public void Many_cancelled_timeouts_do_not_pile_up_and_live_ones_still_run()
    {
        var config = ConfigurationFactory.ParseString("akka.scheduler.shutdown-timeout = 5s");
        using var scheduler = new DeadlineScheduler(config, NoLogger.Instance);
        var advanced = ((IScheduler)scheduler).Advanced;
        var live = new CountdownEvent(10);
        for (var i = 0; i < 20_000; i++)
        {
            var timeout = new Cancelable((IScheduler)scheduler);
            advanced.ScheduleOnce(TimeSpan.FromHours(1), () => throw new InvalidOperationException("a cancelled timeout ran"), timeout);
            timeout.Cancel();
            if (i % 2_000 == 0)
            {
                advanced.ScheduleOnce(TimeSpan.FromMilliseconds(1), () => live.Signal());
            }
        }

        Assert.True(live.Wait(TimeSpan.FromSeconds(10)));
        Assert.InRange(scheduler.Pending, 0, 4_096 + 10);
    }
}
