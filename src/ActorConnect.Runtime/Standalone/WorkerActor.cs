using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Standalone;

/// <summary>
/// One per node: owns the connector supervisors of this node, keeps what users asked for in the config store, and
/// answers for them. A config is validated (off the mailbox: a connector's validate may do I/O) before a supervisor
/// exists, so a bad config is an error reply, not a failed actor; it never escalates a connector's failure, so one
/// connector cannot take another down. Changing one connector starts or stops only that connector's tasks. What both
/// modes answer alike is the <see cref="WorkerCore"/>'s; this actor is its standalone <see cref="IWorkerMode"/>.
/// </summary>
public sealed partial class WorkerActor : ReceiveActor, IWorkerMode
{
    private readonly TaskServices _services;

    /// <summary>How long the worker waits for a connector's supervisor to answer (<c>actorconnect.worker.query-timeout</c>).</summary>
    private TimeSpan QueryTimeout => _services.Settings.Worker.Query;
    private readonly IConfigBackingStore _store;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<string, ConnectorEntry> _connectors = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, Action> _onStopped = new();

    // A connector's supervisor that is still stopping (deleted, replaced, or the worker shutting down), by name: no
    // new one starts under that name, and no delete is answered, until it has stopped, so two copies of a connector's
    // tasks never run at once.
    private readonly Dictionary<string, IActorRef> _stopping = new(StringComparer.Ordinal);
    private IActorRef? _shutdownRequester;

    public WorkerActor(TaskServices services, IConfigBackingStore store)
    {
        _services = services;
        _store = store;
        var core = new WorkerCore(Context, services, this, _log);
        Receive<ConnectorProtocol.TopicUsed>(m =>
        {
            if (_services.Worker.TopicTracking && _connectors.TryGetValue(m.Connector, out var e))
            {
                e.ActiveTopics.Add(m.Topic);
            }
        });
        Receive<Terminated>(OnTerminated);
        Receive<object>(core.Handle);
    }

    public static Props Props(TaskServices services, IConfigBackingStore store) =>
        Akka.Actor.Props.Create(() => new WorkerActor(services, store)).WithDispatcher(services.Settings.WorkerDispatcher);

    // Connector failures are handled inside each supervisor; a supervisor that itself crashes is stopped, not restarted
    // with a half-known state, and shows up as gone.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Brings back every stored connector in its stored target state.</summary>
    protected override void PreStart()
    {
        foreach (var stored in _store.ReadAll())
        {
            if (StoredConnectorNames.Unreachable(stored.Name, _store) is { } unreachable)
            {
                // Kept and reported (FAILED, listed) rather than dropped, so the operator sees it and can remove it.
                _connectors[stored.Name] = new ConnectorEntry(stored.Name, stored.Config, null, 0, stored.TargetState) { LoadError = unreachable };
                _log.Warning("{0}", unreachable.Message);
                continue;
            }

            try
            {
                var (config, plugin) = ConnectorValidator.Validate(stored.Config, _services);
                var entry = new ConnectorEntry(stored.Name, stored.Config, plugin, config.MaxTasks, stored.TargetState);
                _connectors[stored.Name] = entry;
                Spawn(entry);
                _log.Info("Connector {0} restored from the config store ({1})", stored.Name, stored.TargetState.ToString().ToUpperInvariant());
            }
            catch (ConnectException e)
            {
                // Kept visible (FAILED, with the reason) so it can be fixed or deleted over REST rather than vanish.
                _connectors[stored.Name] = new ConnectorEntry(stored.Name, stored.Config, null, 0, stored.TargetState) { LoadError = e };
                _log.Error("Stored connector {0} cannot start: {1}", stored.Name, e.Message);
            }
        }
    }

    void IWorkerMode.Create(IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin, TargetState initialState)
    {
        var entry = Store(new ConnectorEntry(parsed.ConnectorName, config, plugin, parsed.MaxTasks, initialState));
        Spawn(entry);
        _log.Info("Connector {0} created ({1}, {2})", entry.Name, plugin.Type.FullName, initialState.ToString().ToUpperInvariant());
        Sender.Tell(new ConnectorInfo(entry.Name, entry.Config, [], entry.Type));
    }

    void IWorkerMode.Put(string name, IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin)
    {
        var created = !_connectors.TryGetValue(name, out var entry);
        if (created)
        {
            entry = new ConnectorEntry(name, config, plugin, parsed.MaxTasks, TargetState.Started);
            Store(entry);
            Spawn(entry);
            _log.Info("Connector {0} created ({1})", name, plugin.Type.FullName);
        }
        else
        {
            Replace(entry!, config, plugin, parsed.MaxTasks);
        }

        Sender.Tell(new WorkerProtocol.ConfigPut(created, new ConnectorInfo(name, config, [], entry!.Type)));
    }

    void IWorkerMode.Patch(ConnectorView connector, IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin)
    {
        var entry = _connectors[connector.Name];
        Replace(entry, config, plugin, parsed.MaxTasks);
        Sender.Tell(new ConnectorInfo(connector.Name, config, [], entry.Type));
    }

    /// <summary>New config for an existing connector: the old supervisor stops its tasks, then a new one starts them.</summary>
    private void Replace(ConnectorEntry entry, IReadOnlyDictionary<string, string> config, ConnectorPlugin plugin, int maxTasks)
    {
        entry.Config = config;
        entry.Plugin = plugin;
        entry.MaxTasks = maxTasks;
        entry.LoadError = null;
        Store(entry);
        _log.Info("Connector {0} reconfigured: its tasks restart with the new config", entry.Name);
        if (entry.Supervisor is { } old)
        {
            entry.Supervisor = null;
            StopSupervisor(entry.Name, old);
        }

        // Starts once the old supervisor (this one's, or an earlier replacement's) has stopped.
        Spawn(entry);
    }

    private void RespawnIfCurrent(ConnectorEntry entry)
    {
        if (_connectors.TryGetValue(entry.Name, out var current) && current == entry && entry.Supervisor is null && _shutdownRequester is null)
        {
            Spawn(entry);
        }
    }

    void IWorkerMode.Delete(ConnectorView connector)
    {
        var (name, e) = (connector.Name, _connectors[connector.Name]);
        _connectors.Remove(name);
        _store.Remove(name);
        var requester = Sender;
        if (e.Supervisor is { } supervisor)
        {
            e.Supervisor = null;
            StopSupervisor(name, supervisor);
        }

        // Answered when none of its tasks runs any more, also when a replaced supervisor was still stopping.
        AfterStopped(name, () =>
        {
            requester.Tell(new WorkerProtocol.ConnectorDeleted(name));
            _log.Info("Connector {0} deleted", name);
        });
    }

    void IWorkerMode.SetTargetState(ConnectorView connector, TargetState state)
    {
        var entry = _connectors[connector.Name];
        if (entry.LoadError is not null)
        {
            Sender.Tell(WorkerCore.Failure(NotLoaded(entry)));
            return;
        }

        entry.Target = state;
        Store(entry);
        var applied = new WorkerProtocol.TargetStateSet(entry.Name, state);
        if (entry.Supervisor is not { } s)
        {
            // Its supervisor is being replaced: the next one starts in this state, once the old one has stopped.
            var requester = Sender;
            AfterStopped(entry.Name, () => requester.Tell(applied));
            return;
        }

        s.Ask<ConnectorProtocol.TargetStateApplied>(new ConnectorProtocol.SetTargetState(state), _services.Worker.TaskShutdownTimeout + QueryTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? (object)applied : WorkerCore.Failure(t.Exception))
            .PipeTo(Sender);
    }

    void IWorkerMode.Shutdown()
    {
        _shutdownRequester = Sender;
        foreach (var e in _connectors.Values.Where(e => e.Supervisor is not null))
        {
            StopSupervisor(e.Name, e.Supervisor!);
            e.Supervisor = null;
            AfterStopped(e.Name, () => _log.Info("Connector {0} stopped", e.Name));
        }

        CompleteShutdownIfDone();
    }

    private void OnTerminated(Terminated t)
    {
        if (_onStopped.Remove(t.ActorRef, out var then))
        {
            if (_stopping.FirstOrDefault(kv => kv.Value.Equals(t.ActorRef)) is { Key: { } name })
            {
                _stopping.Remove(name);
            }

            then();
        }
        else if (_connectors.Values.FirstOrDefault(e => t.ActorRef.Equals(e.Supervisor)) is { } entry)
        {
            entry.Supervisor = null;
            _log.Error("The supervisor of connector {0} stopped unexpectedly", entry.Name);
        }

        CompleteShutdownIfDone();
    }

    private void CompleteShutdownIfDone()
    {
        if (_shutdownRequester is not null && _onStopped.Count == 0)
        {
            _shutdownRequester.Tell(WorkerProtocol.ShutdownComplete.Instance);
            _shutdownRequester = null;
        }
    }

    /// <summary>Starts the connector's supervisor, or, while an earlier one of that name is still stopping, once it has stopped.</summary>
    private void Spawn(ConnectorEntry entry)
    {
        if (_stopping.ContainsKey(entry.Name))
        {
            AfterStopped(entry.Name, () => RespawnIfCurrent(entry));
            return;
        }

        var child = Context.ActorOf(
            ConnectorSupervisor.Props(entry.Name, entry.Config, entry.Plugin!, _services, entry.MaxTasks, entry.Target),
            "connector-" + Uri.EscapeDataString(entry.Name) + "-" + Guid.NewGuid().ToString("N")[..8]);
        Context.Watch(child);
        entry.Supervisor = child;
    }

    private void StopSupervisor(string name, IActorRef supervisor)
    {
        _stopping[name] = supervisor;
        _onStopped[supervisor] = () => { };
        supervisor.Tell(ConnectorProtocol.Shutdown.Instance);
    }

    /// <summary>Runs <paramref name="then"/> once no supervisor of connector <paramref name="name"/> is stopping: now, or when it has stopped.</summary>
    private void AfterStopped(string name, Action then)
    {
        if (_stopping.TryGetValue(name, out var supervisor))
        {
            _onStopped[supervisor] += then;
        }
        else
        {
            then();
        }
    }

    private ConnectorEntry Store(ConnectorEntry entry)
    {
        _store.Put(new StoredConnector(entry.Name, entry.Config, entry.Target));
        _connectors[entry.Name] = entry;
        return entry;
    }
}
