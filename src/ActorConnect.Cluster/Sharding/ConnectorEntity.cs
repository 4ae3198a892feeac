using ActorConnect.Cluster.Storage;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using static ActorConnect.Cluster.Sharding.ConnectorEntityProtocol;

namespace ActorConnect.Cluster.Sharding;

/// <summary>
/// One connector in the cluster, as a sharded entity (entity id = connector name): sharding runs it on exactly one
/// node and starts it on a survivor when that node is lost. It owns the connector's <see cref="ConnectorSupervisor"/>
/// (which owns the tasks, as in standalone mode), keeps it in line with the config topic, and writes the
/// supervisor's statuses to the status topic under a generation newer than any earlier instance's, so a late write
/// from a node that lost the connector cannot hide the current status.
/// <code>
///   (start) --Loaded--> Ready --Refresh--> Busy --Loaded: same | target changed | config changed--> Ready
///   Busy --Loaded: deleted--> supervisor stops, statuses deleted --> passivated
///   any --Stop (hand-off)--> supervisor stops (offsets flushed) --> stopped
/// </code>
/// External requests that arrive while Busy wait in the stash, so changes apply one at a time in arrival order.
/// </summary>
internal sealed partial class ConnectorEntity : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private static readonly TimeSpan LoadRetry = TimeSpan.FromSeconds(1);
    private readonly string _name;
    private readonly ClusterServices _cluster;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waiters = new();
    private readonly SortedSet<string> _activeTopics = new(StringComparer.Ordinal);
    private IActorRef? _supervisor;
    private StoredConnector? _running;
    private Loaded? _pendingSpawn;
    private long _generation;
    private int _incarnation;
    private bool _busy = true;
    private bool _deleted;
    private bool _gone;
    private bool _handingOff;

    public ConnectorEntity(string name, ClusterServices cluster)
    {
        _name = name;
        _cluster = cluster;

        Receive<Refresh>(_ =>
        {
            if (_gone)
            {
                Sender.Tell(new Applied(_name, null));
                return;
            }

            WhenReady(() =>
            {
                _waiters.Add(Sender);
                Load();
            });
        });
        Receive<EnsureRunning>(_ =>
        {
            // A supervisor that crashed left the entity without one: the reconciler's next look starts it again.
            if (!_busy && _supervisor is null && _running is null && !_deleted && !_handingOff)
            {
                _busy = true;
                Load();
            }
        });
        Receive<Loaded>(OnLoaded);
        Receive<LoadFailed>(m =>
        {
            _log.Warning("Connector {0}: reading the config topic failed ({1}); retrying", _name, m.Cause.Message);
            Timers.StartSingleTimer("load", RetryLoad.Instance, LoadRetry);
        });
        Receive<RetryLoad>(_ => Load());
        Receive<TargetApplied>(m => Done());
        Receive<Restart>(m => WhenReady(() => WithSupervisor(s => s.Forward(new ConnectorProtocol.Restart(m.IncludeTasks, m.OnlyFailed)))));
        Receive<RestartTask>(m => WhenReady(() => WithSupervisor(s => s.Forward(new ConnectorProtocol.RestartTask(m.Task)))));
        Receive<GetActiveTopics>(_ => Sender.Tell(new WorkerProtocol.ActiveTopics(_name, _activeTopics.ToList())));
        Receive<ResetActiveTopics>(_ =>
        {
            _activeTopics.Clear();
            Sender.Tell(new Akka.Actor.Status.Success(_name));
        });
        Receive<ConnectorProtocol.TopicUsed>(m => _activeTopics.Add(m.Topic));
        Receive<StatusChanged>(OnStatusChanged);
        Receive<TaskConfigsNow>(OnTaskConfigs);
        Receive<StatusesDeleted>(_ =>
        {
            // Requests that waited in the stash are answered too: a refresh learns it is gone, the rest that it is not running.
            _gone = true;
            _busy = false;
            ReplyWaiters();
            Stash.UnstashAll();
            Context.Parent.Tell(new Passivate(Stop.Instance));
        });
        Receive<ConnectorStatus>(_ => { });
        Receive<Stop>(_ => OnStop());
        Receive<Terminated>(OnTerminated);
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string name, ClusterServices cluster) => Akka.Actor.Props.Create(() => new ConnectorEntity(name, cluster));

    // A supervisor that crashes is stopped, not restarted with half-known state; the next Refresh starts it again.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _cluster.Entities.Register(_name, Self);
        Load();
    }

    protected override void PostStop() => _cluster.Entities.Unregister(_name, Self);

    private void WhenReady(Action action)
    {
        if (_busy)
        {
            Stash.Stash();
            return;
        }

        _busy = true;
        action();
        if (_waiters.Count == 0 && _pendingSpawn is null && !_deleted)
        {
            // Restart and topic requests are answered at once; only a refresh keeps the entity busy.
            _busy = false;
        }
    }

    /// <summary>Reads the connector from the config topic (and the other topics to their ends) and validates it, off the mailbox.</summary>
    private void Load()
    {
        var (name, cluster) = (_name, _cluster);
        Task.Run(async () =>
        {
            await Task.WhenAll(cluster.Configs.ReadToEndAsync(), cluster.Statuses.ReadToEndAsync(), cluster.Offsets.ReadToEndAsync()).ConfigureAwait(false);
            var generation = 1 + (cluster.Statuses.Connector(name)?.Generation ?? 0);
            generation = Math.Max(generation, 1 + cluster.Statuses.Tasks(name).Select(t => t.Generation).DefaultIfEmpty(0).Max());
            if (cluster.Configs.Read(name) is not { } stored)
            {
                return new Loaded(null, null, null, null, generation);
            }

            try
            {
                var (config, plugin) = ConnectorValidator.Validate(stored.Config, cluster.Tasks.Plugins, cluster.Tasks.Providers);
                return new Loaded(stored, config, plugin, null, generation);
            }
            catch (Api.Errors.ConnectException e)
            {
                return new Loaded(stored, null, null, e, generation);
            }
        }).PipeTo(Self, failure: e => new LoadFailed(e is AggregateException { InnerException: { } inner } ? inner : e));
    }

    private void OnLoaded(Loaded m)
    {
        if (_generation == 0)
        {
            _generation = m.Generation;
        }

        if (_handingOff)
        {
            // Leaving this node: whatever the topic says now, the next node applies it.
            ReplyWaiters();
            return;
        }

        if (m.Stored is null)
        {
            _deleted = true;
            _log.Info("Connector {0} is deleted: stopping it", _name);
            if (_supervisor is { } s)
            {
                s.Tell(ConnectorProtocol.Shutdown.Instance);
            }
            else
            {
                DeleteStatuses();
            }

            return;
        }

        if (m.Error is { } error)
        {
            _log.Error("Connector {0} cannot start: {1}", _name, error.Message);
            _running = m.Stored;
            _supervisor?.Tell(ConnectorProtocol.Shutdown.Instance);
            _supervisor = null;
            WriteStatus(new ConnectorStatus(_name, ConnectState.Failed, _cluster.Tasks.WorkerId, "unknown", FailureTrace.Render(error), []));
            Done();
            return;
        }

        if (_supervisor is null)
        {
            Spawn(m);
            Done();
        }
        else if (!StoredConfigs.Same(_running!.Config, m.Stored.Config))
        {
            _log.Info("Connector {0} reconfigured: its tasks restart with the new config", _name);
            _pendingSpawn = m;
            _supervisor.Tell(ConnectorProtocol.Shutdown.Instance);
        }
        else if (_running.TargetState != m.Stored.TargetState)
        {
            _running = m.Stored;
            var timeout = _cluster.Tasks.Worker.TaskShutdownTimeout + _cluster.Settings.EntityAskTimeout;
            _supervisor.Ask<ConnectorProtocol.TargetStateApplied>(new ConnectorProtocol.SetTargetState(m.Stored.TargetState), timeout)
                .PipeTo(Self, success: a => new TargetApplied(a.State), failure: _ => new TargetApplied(m.Stored.TargetState));
        }
        else
        {
            Done();
        }
    }

    private void Spawn(Loaded m)
    {
        _running = m.Stored;
        _supervisor = Context.ActorOf(
            ConnectorSupervisor.Props(_name, m.Stored!.Config, m.Plugin!, _cluster.Tasks, m.Config!.MaxTasks, m.Stored.TargetState),
            $"supervisor-{++_incarnation}");
        Context.Watch(_supervisor);
        // A supervisor that starts STOPPED changes nothing and so says nothing: asking makes it report its status once,
        // which replaces the one an earlier instance (maybe on another node) left in the topic.
        _supervisor.Tell(ConnectorProtocol.GetStatus.Instance);
        _log.Info("Connector {0} runs on this node ({1}, generation {2})", _name, m.Stored.TargetState.ToString().ToUpperInvariant(), _generation);
    }

    private void OnTerminated(Terminated t)
    {
        if (!t.ActorRef.Equals(_supervisor))
        {
            return;
        }

        _supervisor = null;
        if (_handingOff)
        {
            Context.Stop(Self);
        }
        else if (_deleted)
        {
            DeleteStatuses();
        }
        else if (_pendingSpawn is { } next)
        {
            _pendingSpawn = null;
            Spawn(next);
            Done();
        }
        else
        {
            // Crashed: keep the entity, so the next refresh (the reconciler's) starts a new supervisor.
            _log.Error("The supervisor of connector {0} stopped unexpectedly", _name);
            _running = null;
        }
    }

    private void OnStop()
    {
        if (_handingOff)
        {
            return;
        }

        _handingOff = true;
        if (_supervisor is { } s)
        {
            _log.Info("Connector {0} leaves this node: stopping its tasks", _name);
            s.Tell(ConnectorProtocol.Shutdown.Instance);
        }
        else
        {
            Context.Stop(Self);
        }
    }

    private void WithSupervisor(Action<IActorRef> action)
    {
        if (_supervisor is { } s)
        {
            action(s);
        }
        else
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new ConflictException($"Connector {_name} is not running on any worker (its config could not be loaded); fix its config or delete it")));
        }
    }

    private void Done()
    {
        ReplyWaiters();
        _busy = false;
        Stash.UnstashAll();
    }

    private void ReplyWaiters()
    {
        var applied = new Applied(_name, _deleted ? null : _running?.TargetState);
        foreach (var waiter in _waiters)
        {
            waiter.Tell(applied);
        }

        _waiters.Clear();
    }

    private sealed record LoadFailed(Exception Cause);

    private sealed record RetryLoad : IDeadLetterSuppression
    {
        public static readonly RetryLoad Instance = new();
    }

    private sealed record TargetApplied(TargetState State);

    private sealed record StatusesDeleted
    {
        public static readonly StatusesDeleted Instance = new();
    }
}
