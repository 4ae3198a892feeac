using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// What connector and task entities share: each follows the config topic one change at a time. A refresh reads the
/// topics off the mailbox (retrying while Kafka cannot be read) and applies what it finds; requests that arrive while a
/// change is being applied wait in the stash, so changes apply in arrival order. The entity's work runs in one child
/// supervisor: on hand-off it is stopped (offsets flushed) before the entity stops; when the work is gone for good the
/// entity answers what is left and passivates.
/// </summary>
internal abstract class FollowingEntity : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private static readonly TimeSpan LoadRetry = TimeSpan.FromSeconds(1);
    private readonly List<IActorRef> _waiters = new();

    protected FollowingEntity()
    {
        Receive<LoadFailed>(m =>
        {
            Log.Warning("{0}: reading the config topic failed ({1}); retrying", Describe, m.Cause.Message);
            Timers.StartSingleTimer("load", RetryLoad.Instance, LoadRetry);
        });
        Receive<RetryLoad>(_ => Load());
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>The child that runs the work (a connector or a task supervisor), when running.</summary>
    protected IActorRef? Supervisor { get; set; }

    /// <summary>True while a change is being applied: new requests wait in the stash.</summary>
    protected bool Busy { get; set; } = true;

    /// <summary>True once sharding moves the entity away (hand-off or passivation).</summary>
    protected bool HandingOff { get; private set; }

    /// <summary>True once the work is gone for good and the entity is passivating.</summary>
    protected bool Gone { get; private set; }

    /// <summary>"Connector x" or "Task x-0", for log lines.</summary>
    protected abstract string Describe { get; }

    /// <summary>True while a change started by an action still goes on after the action returned.</summary>
    protected abstract bool StillApplying { get; }

    /// <summary>What tells the supervisor to stop its work cleanly.</summary>
    protected abstract object StopSupervisor { get; }

    /// <summary>The message sharding sends to stop the entity (hand-off and passivation).</summary>
    protected abstract object HandOffStop { get; }

    /// <summary>Reads what the topics hold for the entity; runs on the thread pool and returns the message to apply.</summary>
    protected abstract Task<object> ReadAsync();

    /// <summary>The reply to a refresh, for the state now applied.</summary>
    protected abstract object Applied();

    protected void Load() =>
        Task.Run(ReadAsync).PipeTo(Self, failure: e => new LoadFailed(e is AggregateException { InnerException: { } inner } ? inner : e));

    /// <summary>Runs <paramref name="action"/> now, or later (stashed) while a change is being applied.</summary>
    protected void WhenReady(Action action)
    {
        if (Busy)
        {
            Stash.Stash();
            return;
        }

        Busy = true;
        action();
        if (_waiters.Count == 0 && !StillApplying)
        {
            // Requests answered at once leave the entity free; only a refresh keeps it busy until applied.
            Busy = false;
        }
    }

    /// <summary>Reads the topics again for <paramref name="requester"/>, who hears <see cref="Applied"/> once it is applied.</summary>
    protected void RefreshFor(IActorRef requester)
    {
        _waiters.Add(requester);
        Load();
    }

    /// <summary>The change is applied: the requesters hear so, and the next waiting request runs.</summary>
    protected void Done()
    {
        ReplyWaiters();
        Busy = false;
        Stash.UnstashAll();
    }

    protected void ReplyWaiters()
    {
        var applied = Applied();
        foreach (var waiter in _waiters)
        {
            waiter.Tell(applied);
        }

        _waiters.Clear();
    }

    /// <summary>The work is gone for good: requests still waiting are answered (they find it gone), then the entity passivates.</summary>
    protected void Passivate()
    {
        Gone = true;
        Busy = false;
        ReplyWaiters();
        Stash.UnstashAll();
        Context.Parent.Tell(new Passivate(HandOffStop));
    }

    /// <summary>Sharding moves the entity: its work stops cleanly here first, so it never runs on two nodes at once.</summary>
    protected void HandOff()
    {
        if (HandingOff)
        {
            return;
        }

        HandingOff = true;
        if (Supervisor is { } s)
        {
            Log.Info("{0} leaves this node: stopping it", Describe);
            s.Tell(StopSupervisor);
        }
        else
        {
            Context.Stop(Self);
        }
    }

    private sealed record LoadFailed(Exception Cause);

    private sealed record RetryLoad : IDeadLetterSuppression
    {
        public static readonly RetryLoad Instance = new();
    }
}
