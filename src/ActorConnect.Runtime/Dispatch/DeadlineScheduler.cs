using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using HoconConfig = Akka.Configuration.Config;

namespace ActorConnect.Runtime.Dispatch;

/// <summary>
/// Akka's scheduler (<c>akka.scheduler.implementation</c>) on one thread that sleeps until the next thing is due, instead
/// of Akka's <see cref="HashedWheelTimerScheduler"/>, which wakes every <c>akka.scheduler.tick-duration</c> (10 ms)
/// whether anything is due or not: a .NET timer callback and a thread-pool worker a hundred times a second. That was
/// most of an idle worker's CPU and about a third of a worker tailing a file at 5,000 lines/s
/// (bench/results/perf-notes.md, "Issue 19, a scheduler that sleeps").
/// <para>The same contract as Akka's: what is due runs on the scheduler's thread (a tell, or the short actions Akka
/// Streams' timers schedule); a repeated task runs again <c>interval</c> after it was due (later, not in a burst, when
/// the thread fell behind); a cancelled one never runs; after shutdown scheduling throws
/// <see cref="SchedulerException"/>, and what was still waiting runs once, as Akka's scheduler does on
/// <see cref="Dispose"/>. Deadlines are kept to the millisecond rather than rounded to a 10 ms tick.</para>
/// </summary>
public sealed class DeadlineScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    // Cancelled registrations stay queued until they come due, as in Akka's wheel; once the queue holds this many more
    // than after the last sweep, it is swept so that a storm of scheduled-then-cancelled timeouts cannot pile up.
    private const int SweepGrowth = 4096;

    private readonly PriorityQueue<Registration, (long Due, long Sequence)> _queue = new();
    private readonly object _gate = new();
    private readonly TimeSpan _shutdownTimeout;
    private readonly Thread _thread;
    private long _sequence; // guarded by _gate: keeps equal deadlines in the order they were scheduled
    private int _sizeAfterSweep; // guarded by _gate
    private bool _shutdown; // guarded by _gate

    /// <summary>Created by the ActorSystem, with Akka's settings and its log.</summary>
    public DeadlineScheduler(HoconConfig config, ILoggingAdapter log) : base(config, log)
    {
        _shutdownTimeout = config.GetTimeSpan("akka.scheduler.shutdown-timeout", TimeSpan.FromSeconds(5));
        _thread = new Thread(Run) { IsBackground = true, Name = "actorconnect.scheduler" };
        _thread.Start();
    }

    /// <inheritdoc />
    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;

    /// <summary>Registrations queued, cancelled ones not yet swept included (tests).</summary>
    internal int Pending
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }

    /// <inheritdoc />
    public override TimeSpan MonotonicClock => AkkaClock.Elapsed();

    /// <inheritdoc />
    public override TimeSpan HighResMonotonicClock => AkkaClock.ElapsedHighRes();

    /// <inheritdoc />
    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, new ScheduledTell(receiver, message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(initialDelay, interval, new ScheduledTell(receiver, message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, new ActionRunnable(action), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, action, cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Add(initialDelay, interval, new ActionRunnable(action), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Add(initialDelay, interval, action, cancelable);

    /// <summary>
    /// Stops the thread; what was still scheduled and not cancelled then runs once on the caller's thread (Akka's
    /// scheduler does the same: a pending tell reaches its actor, or its dead letters, rather than vanishing).
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_shutdown)
                return;
            _shutdown = true;
            Monitor.Pulse(_gate);
        }

        // Disposed by a task running on the scheduler's own thread (one that terminates the ActorSystem): that thread
        // ends when the task returns, and cannot wait for itself.
        if (Thread.CurrentThread != _thread && !_thread.Join(_shutdownTimeout))
        {
            Log.Warning("The scheduler's thread did not stop within akka.scheduler.shutdown-timeout ({0})", _shutdownTimeout);
            return;
        }

        List<Registration> left;
        lock (_gate)
        {
            left = new List<Registration>(_queue.Count);
            while (_queue.TryDequeue(out var registration, out _))
                left.Add(registration);
        }

        foreach (var registration in left)
        {
            if (!registration.IsCancelled)
                RunQuietly(registration.Action);
        }
    }

    private void Add(TimeSpan delay, TimeSpan interval, IRunnable action, ICancelable? cancelable)
    {
        var due = HighResMonotonicClock.Ticks + Math.Max(0, delay.Ticks);
        lock (_gate)
        {
            if (_shutdown)
                throw new SchedulerException("cannot enqueue after timer shutdown");
            var earliest = _queue.TryPeek(out _, out var head) ? head.Due : long.MaxValue;
            Enqueue(new Registration(action, cancelable, interval.Ticks), due);
            // Only a new earliest deadline needs the thread awake: it already waits for the one it knows.
            if (due < earliest)
                Monitor.Pulse(_gate);
        }
    }

    /// <summary>Under the gate.</summary>
    private void Enqueue(Registration registration, long due)
    {
        // Equal deadlines run in the order they were scheduled, as in one bucket of Akka's wheel.
        _queue.Enqueue(registration, (due, _sequence++));
        if (_queue.Count > _sizeAfterSweep + SweepGrowth)
            Sweep();
    }

    /// <summary>Under the gate: drops cancelled registrations.</summary>
    private void Sweep()
    {
        var live = _queue.UnorderedItems.Where(item => !item.Element.IsCancelled).ToList();
        _queue.Clear();
        foreach (var (registration, due) in live)
            _queue.Enqueue(registration, due);
        _sizeAfterSweep = _queue.Count;
    }

    private void Run()
    {
        var due = new List<(Registration Registration, long Due)>();
        while (true)
        {
            lock (_gate)
            {
                while (true)
                {
                    if (_shutdown)
                        return;
                    var now = HighResMonotonicClock.Ticks;
                    // Never early, as Akka's wheel (which runs a timer at the first tick after it is due); timers a hair
                    // apart still share a wake-up, since the wait below is rounded up to whole milliseconds.
                    while (_queue.TryPeek(out var head, out var at) && at.Due <= now)
                    {
                        _queue.Dequeue();
                        if (!head.IsCancelled)
                            due.Add((head, at.Due));
                    }

                    if (due.Count > 0)
                        break;
                    if (_queue.TryPeek(out _, out var next))
                        Monitor.Wait(_gate, (int)Math.Min(int.MaxValue, (next.Due - now + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond));
                    else
                        Monitor.Wait(_gate);
                }
            }

            // Outside the gate: what runs may schedule more (Akka Streams' timers do) without waiting for it.
            foreach (var (registration, at) in due)
            {
                RunQuietly(registration.Action);
                if (registration.Interval > 0 && !registration.IsCancelled)
                    Again(registration, at);
            }

            due.Clear();
        }
    }

    private void Again(Registration registration, long lastDue)
    {
        var now = HighResMonotonicClock.Ticks;
        var next = lastDue + registration.Interval;
        lock (_gate)
        {
            if (!_shutdown)
                Enqueue(registration, next > now ? next : now + registration.Interval);
        }
    }

    private void RunQuietly(IRunnable action)
    {
        try
        {
            action.Run();
        }
        catch (SchedulerException)
        {
            // Thrown by actors already terminated: nothing to tell anyone, as Akka's scheduler treats it.
        }
        catch (Exception e)
        {
            Log.Error(e, "Exception while executing a scheduled task");
        }
    }

    private sealed class Registration(IRunnable action, ICancelable? cancelable, long interval)
    {
        public IRunnable Action { get; } = action;

        public long Interval { get; } = interval;

        public bool IsCancelled => cancelable?.IsCancellationRequested ?? false;
    }

    /// <summary>
    /// A scheduled tell. Akka's scheduler wraps the message in an internal marker that actors unwrap on receipt (it is
    /// there for telemetry); the message itself behaves the same, receive timeouts included.
    /// </summary>
    private sealed class ScheduledTell(ICanTell receiver, object message, IActorRef sender) : IRunnable
    {
        public void Run() => receiver.Tell(message, sender);

        public void Execute() => Run();
    }

    /// <summary>
    /// Akka's own monotonic clock (internal to Akka), so that this scheduler's clock is the one the rest of Akka
    /// measures with; a clock of its own, from now, if a later Akka no longer has it.
    /// </summary>
    private static class AkkaClock
    {
        private static readonly System.Diagnostics.Stopwatch Fallback = System.Diagnostics.Stopwatch.StartNew();

        public static readonly Func<TimeSpan> Elapsed = Property("Elapsed") ?? (() => TimeSpan.FromMilliseconds(Fallback.ElapsedMilliseconds));

        public static readonly Func<TimeSpan> ElapsedHighRes = Property("ElapsedHighRes") ?? (() => Fallback.Elapsed);

        private static Func<TimeSpan>? Property(string name) =>
            typeof(ActorSystem).Assembly.GetType("Akka.Util.MonotonicClock")
                ?.GetProperty(name, System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                ?.GetGetMethod(nonPublic: true)
                ?.CreateDelegate<Func<TimeSpan>>();
    }
}
