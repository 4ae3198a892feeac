using ActorConnect.Runtime.States;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// What connector and task entities share: each follows the config topic one change at a time. A refresh reads the
/// topics off the mailbox (retrying while Kafka cannot be read) and applies what it finds; requests that arrive while a
/// change is being applied wait in the stash, so changes apply in arrival order. The entity's work runs in one child
/// supervisor: on hand-off it is stopped (offsets flushed) before the entity stops; when the work is gone for good the
/// entity answers what is left and passivates. The entity's state is an <see cref="EntityPhase"/> moved only along the
/// rules (<see cref="CommonRules"/> and what each entity adds): an illegal move or message is logged and refused.
/// <code>
///   (start) Loading --applied--> Ready --Refresh, EnsureRunning--> Loading
///   Loading --a change that outlives the load (supervisor restarting, target applying)--> Applying --done--> Ready
///   Ready --Restart and other requests--> Applying --answered--> Ready
///   Loading --not to run for good--> Leaving --work stopped, statuses deleted--> Passivating
///   any --Stop (hand-off, or passivation's)--> HandingOff --work stopped (offsets flushed)--> (entity stops)
/// </code>
/// </summary>
internal abstract class FollowingEntity : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private readonly TimeSpan _loadRetry;
    private readonly List<IActorRef> _waiters = new();
    private readonly Lifecycle<EntityPhase> _life;
    private EntityPhase _handOffFrom;
    private bool _busyHandingOff;

    /// <summary>
    /// An entity whose moves and messages follow <paramref name="rules"/> (<see cref="CommonRules"/> and its own); a
    /// failed read of the config topic is retried after <paramref name="loadRetry"/>.
    /// </summary>
    protected FollowingEntity(LifecycleRules<EntityPhase> rules, TimeSpan loadRetry)
    {
        _loadRetry = loadRetry;
        _life = new Lifecycle<EntityPhase>(rules, EntityPhase.Loading, Log, () => Describe);
        Receive<LoadFailed>(m =>
        {
            Log.Warning("{0}: reading the config topic failed ({1}); retrying", Describe, m.Cause.Message);
            Timers.StartSingleTimer("load", RetryLoad.Instance, _loadRetry);
        });
        Receive<RetryLoad>(_ => Load());
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>The child that runs the work (a connector or a task supervisor), when running.</summary>
    protected IActorRef? Supervisor { get; set; }

    /// <summary>What the entity is doing now.</summary>
    protected EntityPhase Phase => _life.State;

    /// <summary>True while a change is being applied: new requests wait in the stash.</summary>
    protected bool Busy => _life.Is(EntityPhase.Loading, EntityPhase.Applying, EntityPhase.Leaving) || (HandingOff && _busyHandingOff);

    /// <summary>True once sharding moves the entity away (hand-off or passivation).</summary>
    protected bool HandingOff => _life.Is(EntityPhase.HandingOff);

    /// <summary>True once the work is gone for good and the entity is passivating.</summary>
    protected bool Gone => _life.Is(EntityPhase.Passivating);

    /// <summary>True once the work is gone for good (also when sharding stops the entity after that).</summary>
    protected bool LeavingForGood =>
        _life.Is(EntityPhase.Leaving, EntityPhase.Passivating) || (HandingOff && _handOffFrom is EntityPhase.Leaving or EntityPhase.Passivating);

    /// <summary>"Connector x" or "Task x-0", for log lines.</summary>
    protected abstract string Describe { get; }

    /// <summary>What tells the supervisor to stop its work cleanly.</summary>
    protected abstract object StopSupervisor { get; }

    /// <summary>The message sharding sends to stop the entity (hand-off and passivation).</summary>
    protected abstract object HandOffStop { get; }

    /// <summary>Reads what the topics hold for the entity; runs on the thread pool and returns the message to apply.</summary>
    protected abstract Task<object> ReadAsync();

    /// <summary>The reply to a refresh, for the state now applied.</summary>
    protected abstract object Applied();

    /// <summary>
    /// The moves every following entity makes, and the messages of the loading it shares; each entity adds its own
    /// internal messages (its Loaded, its status deletion).
    /// </summary>
    internal static LifecycleRules<EntityPhase> CommonRules() => new LifecycleRules<EntityPhase>()
        .Allow(EntityPhase.Loading, EntityPhase.Ready, EntityPhase.Applying, EntityPhase.Leaving, EntityPhase.HandingOff)
        .Allow(EntityPhase.Ready, EntityPhase.Loading, EntityPhase.Applying, EntityPhase.HandingOff)
        .Allow(EntityPhase.Applying, EntityPhase.Loading, EntityPhase.Ready, EntityPhase.HandingOff)
        .Allow(EntityPhase.Leaving, EntityPhase.Passivating, EntityPhase.HandingOff)
        .Allow(EntityPhase.Passivating, EntityPhase.HandingOff)
        // A load in flight (or its retry) only while loading, or when a hand-off began during it.
        .Accept<LoadFailed>(EntityPhase.Loading, EntityPhase.HandingOff)
        .Accept<RetryLoad>(EntityPhase.Loading, EntityPhase.HandingOff);

    protected override void Unhandled(object message) => _life.NotUnderstood(message);

    /// <summary>Moves the entity to <paramref name="next"/> along its rules (an illegal move is logged and refused).</summary>
    protected void MoveTo(EntityPhase next) => _life.MoveTo(next);

    protected override bool AroundReceive(Receive receive, object message) => !_life.Admits(message) || base.AroundReceive(receive, message);

    /// <summary>Reads the topics for the entity (off the mailbox); a hand-off under way stays one.</summary>
    protected void Load()
    {
        if (!HandingOff)
        {
            _life.MoveTo(EntityPhase.Loading);
        }

        Task.Run(ReadAsync).PipeTo(Self, failure: e => new LoadFailed(e is AggregateException { InnerException: { } inner } ? inner : e));
    }

    /// <summary>Runs <paramref name="action"/> now, or later (stashed) while a change is being applied.</summary>
    protected void WhenReady(Action action)
    {
        if (Busy)
        {
            Stash.Stash();
            return;
        }

        if (HandingOff)
        {
            _busyHandingOff = true;
        }
        else if (!Gone)
        {
            _life.MoveTo(EntityPhase.Applying);
        }

        action();
        // Requests answered at once leave the entity free; only a refresh keeps it busy (loading) until applied.
        if (HandingOff)
        {
            _busyHandingOff = _waiters.Count > 0;
        }
        else if (_life.Is(EntityPhase.Applying))
        {
            _life.MoveTo(EntityPhase.Ready);
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
        if (HandingOff)
        {
            _busyHandingOff = false;
        }
        else
        {
            _life.MoveTo(EntityPhase.Ready);
        }

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
        _life.MoveTo(EntityPhase.Passivating);
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

        _handOffFrom = _life.State;
        _busyHandingOff = Busy;
        _life.MoveTo(EntityPhase.HandingOff);
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

    internal sealed record LoadFailed(Exception Cause);

    internal sealed record RetryLoad : IDeadLetterSuppression
    {
        public static readonly RetryLoad Instance = new();
    }
}
