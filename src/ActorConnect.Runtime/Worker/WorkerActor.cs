using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// One per node: owns the connector supervisors of this node, keeps what users asked for in the config store, and
/// answers for them. A config is validated (off the mailbox: a connector's validate may do I/O) before a supervisor
/// exists, so a bad config is an error reply, not a failed actor; it never escalates a connector's failure, so one
/// connector cannot take another down. Changing one connector starts or stops only that connector's tasks.
/// </summary>
public sealed partial class WorkerActor : ReceiveActor
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);
    private readonly TaskServices _services;
    private readonly IConfigBackingStore _store;
    private readonly ConnectorOffsetsAdmin _offsets;
    private readonly Validation.ConnectorConfigValidator _validator;
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
        var log = _log;
        _offsets = new ConnectorOffsetsAdmin(services, line => log.Warning(line));
        _validator = new Validation.ConnectorConfigValidator(services.Plugins, services.Worker.ClientConfigOverridePolicy);

        Receive<WorkerProtocol.CreateConnector>(OnCreate);
        Receive<WorkerProtocol.PutConnectorConfig>(OnPut);
        Receive<WorkerProtocol.PatchConnectorConfig>(OnPatch);
        Receive<Validated>(m => m.Then(m.Config, m.Plugin));
        Receive<Rejected>(m => Sender.Tell(Failure(m.Cause)));
        Receive<WorkerProtocol.DeleteConnector>(OnDelete);
        Receive<WorkerProtocol.SetTargetState>(OnSetTargetState);
        Receive<WorkerProtocol.RestartConnector>(m => WithSupervisor(m.Name, s => s.Forward(new ConnectorProtocol.Restart(m.IncludeTasks, m.OnlyFailed))));
        Receive<WorkerProtocol.RestartTask>(m => WithSupervisor(m.Name, s => s.Forward(new ConnectorProtocol.RestartTask(m.Task))));
        Receive<WorkerProtocol.GetConnectorStatus>(m => WithConnector(m.Name, e => StatusOf(e).PipeTo(Sender)));
        Receive<WorkerProtocol.GetTaskStatus>(m => WithSupervisor(m.Name, s => s.Forward(new ConnectorProtocol.GetTaskStatus(m.Task))));
        Receive<WorkerProtocol.GetConnectorInfo>(m => WithConnector(m.Name, e => InfoOf(e).PipeTo(Sender)));
        Receive<WorkerProtocol.GetConnectorConfig>(m => WithConnector(m.Name, e => Sender.Tell(e.Config)));
        Receive<WorkerProtocol.GetTaskConfigs>(m => WithConnector(m.Name, e => TaskConfigsOf(e).PipeTo(Sender)));
        Receive<WorkerProtocol.ListConnectors>(_ => Sender.Tell(_connectors.Keys.ToList()));
        // Gathered off the mailbox: a connector busy in start() must not hold up the worker's other messages.
        Receive<WorkerProtocol.GetAllStatus>(_ => Task.WhenAll(_connectors.Values.Select(StatusOf))
            .ContinueWith(t => t.IsCompletedSuccessfully ? (object)t.Result.ToList() : Failure(t.Exception))
            .PipeTo(Sender));
        Receive<WorkerProtocol.GetActiveTopics>(m => WithConnector(m.Name, OnGetActiveTopics));
        Receive<WorkerProtocol.ResetActiveTopics>(m => WithConnector(m.Name, OnResetActiveTopics));
        Receive<ConnectorProtocol.TopicUsed>(m =>
        {
            if (_services.Worker.TopicTracking && _connectors.TryGetValue(m.Connector, out var e))
            {
                e.ActiveTopics.Add(m.Topic);
            }
        });
        Receive<WorkerProtocol.GetOffsets>(m => WithConnector(m.Name, e => WithPlugin(e, p => _offsets.ReadAsync(e.Name, p, e.Config)
            .ContinueWith(t => t.IsCompletedSuccessfully ? (object)new WorkerProtocol.ConnectorOffsets(t.Result) : Failure(t.Exception))
            .PipeTo(Sender))));
        Receive<WorkerProtocol.AlterOffsets>(m => ChangeOffsets(m.Name, (e, p) => _offsets.AlterAsync(e.Name, p, e.Config, m.Offsets)));
        Receive<WorkerProtocol.ResetOffsets>(m => ChangeOffsets(m.Name, (e, p) => _offsets.ResetAsync(e.Name, p, e.Config)));
        Receive<OffsetsChangeDone>(m =>
        {
            if (_connectors.TryGetValue(m.Name, out var e))
            {
                e.OffsetsChanging = false;
            }
        });
        // Validation may call a connector's validate(), which may do I/O: off the mailbox.
        Receive<WorkerProtocol.ValidateConfig>(m =>
        {
            var providers = _services.Providers;
            Task.Run(() => (object)_validator.Validate(m.Plugin, m.Config, providers))
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : Failure(t.Exception))
                .PipeTo(Sender);
        });
        Receive<WorkerProtocol.ListPlugins>(m => Sender.Tell(_services.Plugins.ListPlugins(m.ConnectorsOnly)));
        Receive<WorkerProtocol.GetPluginConfig>(m =>
        {
            try
            {
                Sender.Tell(_services.Plugins.PluginConfig(m.Plugin));
            }
            catch (ConnectException e)
            {
                Sender.Tell(Failure(e));
            }
        });
        Receive<WorkerProtocol.GetWorkerInfo>(_ => Sender.Tell(WorkerInfoReader.Read()));
        Receive<WorkerProtocol.GetHealth>(_ => Sender.Tell(WorkerProtocol.Healthy.Of(_services)));
        Receive<WorkerProtocol.Shutdown>(_ => OnShutdown());
        Receive<Terminated>(OnTerminated);
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
            if (ConnectorNames.Unreachable(stored.Name, _store) is { } unreachable)
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

    private void OnCreate(WorkerProtocol.CreateConnector m)
    {
        var name = m.Config.GetValueOrDefault(ConnectorConfig.Name);
        if (name is not null && _connectors.ContainsKey(name))
        {
            Sender.Tell(Failure(new AlreadyExistsException($"Connector {name} already exists")));
            return;
        }

        ValidateThen(m.Config, (config, plugin) =>
        {
            if (_connectors.ContainsKey(config.ConnectorName))
            {
                Sender.Tell(Failure(new AlreadyExistsException($"Connector {config.ConnectorName} already exists")));
                return;
            }

            var entry = Store(new ConnectorEntry(config.ConnectorName, m.Config, plugin, config.MaxTasks, m.InitialState));
            Spawn(entry);
            _log.Info("Connector {0} created ({1}, {2})", entry.Name, plugin.Type.FullName, m.InitialState.ToString().ToUpperInvariant());
            Sender.Tell(new ConnectorInfo(entry.Name, entry.Config, [], entry.Type));
        });
    }

    private void OnPut(WorkerProtocol.PutConnectorConfig m)
    {
        if (ConnectorRequests.NameMismatch(m.Name, m.Config!) is { } mismatch)
        {
            Sender.Tell(Failure(mismatch));
            return;
        }

        var config = new Dictionary<string, string>(m.Config) { [ConnectorConfig.Name] = m.Name };
        ValidateThen(config, (parsed, plugin) =>
        {
            var created = !_connectors.TryGetValue(m.Name, out var entry);
            if (created)
            {
                entry = new ConnectorEntry(m.Name, config, plugin, parsed.MaxTasks, TargetState.Started);
                Store(entry);
                Spawn(entry);
                _log.Info("Connector {0} created ({1})", m.Name, plugin.Type.FullName);
            }
            else
            {
                Replace(entry!, config, plugin, parsed.MaxTasks);
            }

            Sender.Tell(new WorkerProtocol.ConfigPut(created, new ConnectorInfo(m.Name, config, [], entry!.Type)));
        });
    }

    private void OnPatch(WorkerProtocol.PatchConnectorConfig m) => WithConnector(m.Name, e =>
    {
        if (ConnectorRequests.NameMismatch(m.Name, m.Patch, patch: true) is { } mismatch)
        {
            Sender.Tell(Failure(mismatch));
            return;
        }

        var config = ConnectorRequests.ApplyPatch(e.Config, m.Patch);

        ValidateThen(config, (parsed, plugin) =>
        {
            if (!_connectors.TryGetValue(m.Name, out var entry))
            {
                Sender.Tell(Failure(new NotFoundException($"Connector {m.Name} not found")));
                return;
            }

            Replace(entry, config, plugin, parsed.MaxTasks);
            Sender.Tell(new ConnectorInfo(m.Name, config, [], entry.Type));
        });
    });

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

    private void OnDelete(WorkerProtocol.DeleteConnector m) => WithConnector(m.Name, e =>
    {
        _connectors.Remove(m.Name);
        _store.Remove(m.Name);
        var requester = Sender;
        if (e.Supervisor is { } supervisor)
        {
            e.Supervisor = null;
            StopSupervisor(m.Name, supervisor);
        }

        // Answered when none of its tasks runs any more, also when a replaced supervisor was still stopping.
        AfterStopped(m.Name, () =>
        {
            requester.Tell(new WorkerProtocol.ConnectorDeleted(m.Name));
            _log.Info("Connector {0} deleted", m.Name);
        });
    });

    private void OnSetTargetState(WorkerProtocol.SetTargetState m) => WithConnector(m.Name, entry =>
    {
        if (entry.LoadError is not null)
        {
            Sender.Tell(Failure(NotLoaded(entry)));
            return;
        }

        if (entry.OffsetsChanging && m.State != TargetState.Stopped)
        {
            Sender.Tell(Failure(new ConflictException($"The offsets of connector {m.Name} are being changed; resume it once that request has completed")));
            return;
        }

        entry.Target = m.State;
        Store(entry);
        var applied = new WorkerProtocol.TargetStateSet(m.Name, m.State);
        if (entry.Supervisor is not { } s)
        {
            // Its supervisor is being replaced: the next one starts in this state, once the old one has stopped.
            var requester = Sender;
            AfterStopped(m.Name, () => requester.Tell(applied));
            return;
        }

        s.Ask<ConnectorProtocol.TargetStateApplied>(new ConnectorProtocol.SetTargetState(m.State), _services.Worker.TaskShutdownTimeout + QueryTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? (object)applied : Failure(t.Exception))
            .PipeTo(Sender);
    });

    private void OnShutdown()
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

    private void ValidateThen(IReadOnlyDictionary<string, string> config, Action<ConnectorConfig, ConnectorPlugin> then)
    {
        var services = _services;
        var log = _log;
        Task.Run(() => ConnectorValidator.Validate(config, services)).PipeTo(Self, Sender,
            r => new Validated(r.Config, r.Plugin, then),
            e =>
            {
                var cause = e is AggregateException { InnerException: { } inner } ? inner : e;
                log.Warning("Connector config rejected: {0}", services.Providers.Secrets.Redact(cause.Message));
                return new Rejected(cause);
            });
    }

    private static Akka.Actor.Status.Failure Failure(Exception? e) =>
        new(e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : e ?? new TimeoutException("The request timed out"));

    /// <summary>A config passed validation; <see cref="Then"/> continues the request on the mailbox.</summary>
    private sealed record Validated(ConnectorConfig Config, ConnectorPlugin Plugin, Action<ConnectorConfig, ConnectorPlugin> Then);

    /// <summary>A config failed validation: the requester (this message's sender) gets the reason.</summary>
    private sealed record Rejected(Exception Cause);

    private sealed record OffsetsChangeDone(string Name);
}
