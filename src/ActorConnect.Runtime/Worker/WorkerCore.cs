using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Logging;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Standalone;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// What both worker actors (standalone <see cref="WorkerActor"/>, distributed <c>ClusterWorkerActor</c>) answer the
/// same way, once (Kafka Connect's AbstractHerder, without its god class): finding the connector a request names,
/// request rules and config validation (off the mailbox), plugins, connector info and status assembled from what the
/// mode stores, offsets (through <see cref="ConnectorOffsetsAdmin"/>), active topics' switches, loggers with cluster
/// scope, worker info and health. What differs by mode comes from its <see cref="IWorkerMode"/>. A new
/// <see cref="WorkerProtocol"/> request is handled here, in <see cref="Handle"/>, unless it needs the mode.
/// </summary>
public sealed class WorkerCore
{
    private readonly IActorContext _context;
    private readonly TaskServices _services;
    private readonly IWorkerMode _mode;
    private readonly ILoggingAdapter _log;
    private readonly ConnectorOffsetsAdmin _offsets;
    private readonly Validation.ConnectorConfigValidator _validator;
    private readonly HashSet<string> _offsetsChanging = new(StringComparer.Ordinal);
    private ILogLevels? _levels;

    /// <param name="context">The worker actor's context: replies go to its sender, continuations come back to it.</param>
    /// <param name="services">The worker's services (plugins, config providers, worker config).</param>
    /// <param name="mode">What differs by mode.</param>
    /// <param name="log">The worker actor's log.</param>
    public WorkerCore(IActorContext context, TaskServices services, IWorkerMode mode, ILoggingAdapter log)
    {
        ArgumentNullException.ThrowIfNull(services);
        _context = context;
        _services = services;
        _mode = mode;
        _log = log;
        _offsets = new ConnectorOffsetsAdmin(services, line => log.Warning(line));
        _validator = new Validation.ConnectorConfigValidator(services.Plugins, services.Worker.ClientConfigOverridePolicy);
    }

    private IActorRef Sender => _context.Sender;

    /// <summary>True for a <see cref="WorkerProtocol"/> request about connectors; plugins, validation, loggers, worker info, health and shutdown are not.</summary>
    public static bool AboutConnectors(object message) =>
        message.GetType().DeclaringType == typeof(WorkerProtocol)
        && message is not (WorkerProtocol.ValidateConfig or WorkerProtocol.ListPlugins or WorkerProtocol.GetPluginConfig or WorkerProtocol.GetWorkerInfo
            or WorkerProtocol.GetHealth or WorkerProtocol.Shutdown or WorkerProtocol.SetClusterLoggerLevel or WorkerProtocol.ApplyLoggerLevel
            or WorkerProtocol.UseLogLevels);

    /// <summary>A failure reply carrying the cause itself, not the AggregateException of a task around it.</summary>
    public static Akka.Actor.Status.Failure Failure(Exception? e) =>
        new(e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : e ?? new TimeoutException("The request timed out"));

    /// <summary>Handles a <see cref="WorkerProtocol"/> message, or this core's own; false for any other.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case WorkerProtocol.CreateConnector m: OnCreate(m); break;
            case WorkerProtocol.PutConnectorConfig m: OnPut(m); break;
            case WorkerProtocol.PatchConnectorConfig m: OnPatch(m); break;
            case Validated m: m.Then(m.Config, m.Plugin); break;
            case Rejected m: Sender.Tell(Failure(m.Cause)); break;
            case WorkerProtocol.DeleteConnector m: WithConnector(m.Name, _mode.Delete); break;
            case WorkerProtocol.SetTargetState m: OnSetTargetState(m); break;
            case WorkerProtocol.RestartConnector m: WithConnector(m.Name, c => _mode.Restart(c, m.IncludeTasks, m.OnlyFailed)); break;
            case WorkerProtocol.RestartTask m: WithConnector(m.Name, c => _mode.RestartTask(c, m.Task)); break;
            case WorkerProtocol.GetConnectorStatus m: WithConnector(m.Name, c => _mode.StatusAsync(c).PipeTo(Sender)); break;
            case WorkerProtocol.GetTaskStatus m: WithConnector(m.Name, c => _mode.GetTaskStatus(c, m.Task)); break;
            case WorkerProtocol.GetConnectorInfo m: WithConnector(m.Name, c => Reply(_mode.TaskConfigsAsync(c), tasks => new ConnectorInfo(c.Name, c.Config, tasks.Select(t => t.Id).ToList(), c.Type))); break;
            case WorkerProtocol.GetConnectorConfig m: WithConnector(m.Name, c => Sender.Tell(c.Config)); break;
            case WorkerProtocol.GetTaskConfigs m: WithConnector(m.Name, c => Reply(_mode.TaskConfigsAsync(c), tasks => tasks)); break;
            case WorkerProtocol.ListConnectors: Sender.Tell(_mode.All().Select(c => c.Name).ToList()); break;
            case WorkerProtocol.GetAllStatus: Reply(AllStatusAsync(), all => all.ToList()); break;
            case WorkerProtocol.GetMetrics: Reply(ScrapeAsync(), text => text); break;
            case WorkerProtocol.GetActiveTopics m: WithConnector(m.Name, OnGetActiveTopics); break;
            case WorkerProtocol.ResetActiveTopics m: WithConnector(m.Name, OnResetActiveTopics); break;
            case WorkerProtocol.GetOffsets m: WithConnector(m.Name, OnGetOffsets); break;
            case WorkerProtocol.AlterOffsets m: ChangeOffsets(m.Name, (c, p) => _offsets.AlterAsync(c.Name, p, c.Config, m.Offsets)); break;
            case WorkerProtocol.ResetOffsets m: ChangeOffsets(m.Name, (c, p) => _offsets.ResetAsync(c.Name, p, c.Config)); break;
            case OffsetsChangeDone m: _offsetsChanging.Remove(m.Name); break;
            case WorkerProtocol.ValidateConfig m: OnValidate(m); break;
            case WorkerProtocol.ListPlugins m: Sender.Tell(_services.Plugins.ListPlugins(m.ConnectorsOnly)); break;
            case WorkerProtocol.GetPluginConfig m: OnGetPluginConfig(m); break;
            case WorkerProtocol.GetWorkerInfo: Sender.Tell(WorkerInfoReader.Read()); break;
            case WorkerProtocol.GetHealth: Sender.Tell(_mode.Health(WorkerProtocol.Healthy.Of(_services))); break;
            case WorkerProtocol.Shutdown: _mode.Shutdown(); break;
            case WorkerProtocol.SetClusterLoggerLevel m: OnSetClusterLoggerLevel(m); break;
            case WorkerProtocol.ApplyLoggerLevel m: ApplyLoggerLevel(m); break;
            case WorkerProtocol.UseLogLevels m: _levels = m.Levels; break;
            default: return false;
        }

        return true;
    }

    private void OnCreate(WorkerProtocol.CreateConnector m)
    {
        if (m.Config.GetValueOrDefault(ConnectorConfig.Name) is { } named && _mode.Exists(named))
        {
            Sender.Tell(Failure(AlreadyExists(named)));
            return;
        }

        ValidateThen(m.Config, (parsed, plugin) =>
        {
            // Checked again: another create of the name may have been accepted while this one was validated.
            if (_mode.Exists(parsed.ConnectorName))
            {
                Sender.Tell(Failure(AlreadyExists(parsed.ConnectorName)));
                return;
            }

            _mode.Create(m.Config, parsed, plugin, m.InitialState);
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
        ValidateThen(config, (parsed, plugin) => _mode.Put(m.Name, config, parsed, plugin));
    }

    private void OnPatch(WorkerProtocol.PatchConnectorConfig m) => WithConnector(m.Name, connector =>
    {
        if (ConnectorRequests.NameMismatch(m.Name, m.Patch, patch: true) is { } mismatch)
        {
            Sender.Tell(Failure(mismatch));
            return;
        }

        var config = ConnectorRequests.ApplyPatch(connector.Config, m.Patch);
        // Found again once validated: it may have been deleted meanwhile.
        ValidateThen(config, (parsed, plugin) => WithConnector(m.Name, current => _mode.Patch(current, config, parsed, plugin)));
    });

    private void OnSetTargetState(WorkerProtocol.SetTargetState m) => WithConnector(m.Name, connector =>
    {
        if (_offsetsChanging.Contains(m.Name) && m.State != TargetState.Stopped)
        {
            Sender.Tell(Failure(new ConflictException($"The offsets of connector {m.Name} are being changed; resume it once that request has completed")));
            return;
        }

        _mode.SetTargetState(connector, m.State);
    });

    private void OnGetActiveTopics(ConnectorView connector)
    {
        if (!_services.Worker.TopicTracking)
        {
            Sender.Tell(Failure(new ForbiddenException($"Topic tracking is disabled: set {WorkerConfig.TopicTrackingEnable}=true in the worker config to see a connector's topics.")));
            return;
        }

        _mode.GetActiveTopics(connector);
    }

    private void OnResetActiveTopics(ConnectorView connector)
    {
        var worker = _services.Worker;
        if (!worker.TopicTracking || !worker.TopicTrackingReset)
        {
            var key = worker.TopicTracking ? WorkerConfig.TopicTrackingAllowReset : WorkerConfig.TopicTrackingEnable;
            Sender.Tell(Failure(new ForbiddenException($"Topic tracking reset is disabled: set {key}=true in the worker config to allow it.")));
            return;
        }

        _mode.ResetActiveTopics(connector);
    }

    private void OnGetOffsets(ConnectorView connector) => WithPlugin(connector, plugin =>
    {
        var admin = _offsets;
        Reply(_mode.BeforeOffsetsReadAsync().ContinueWith(_ => admin.ReadAsync(connector.Name, plugin, connector.Config)).Unwrap(),
            offsets => new WorkerProtocol.ConnectorOffsets(offsets));
    });

    /// <summary>
    /// Offsets change only while the connector is STOPPED, as in Kafka Connect: its target state says so, and the mode
    /// confirms its tasks have stopped before the change, so no task races it.
    /// </summary>
    private void ChangeOffsets(string name, Func<ConnectorView, ConnectorPlugin, Task<string>> change) => WithConnector(name, connector => WithPlugin(connector, plugin =>
    {
        if (connector.Target != TargetState.Stopped)
        {
            Sender.Tell(Failure(ConnectorRequests.NotStopped(name)));
            return;
        }

        if (!_offsetsChanging.Add(name))
        {
            Sender.Tell(Failure(new ConflictException($"Another change of the offsets of connector {name} is under way; try again when it has completed")));
            return;
        }

        var self = _context.Self;
        _mode.ConfirmStoppedAsync(connector)
            .ContinueWith(t => t.IsCompletedSuccessfully ? change(connector, plugin) : Task.FromException<string>(t.Exception!.GetBaseException()))
            .Unwrap()
            .ContinueWith(t =>
            {
                self.Tell(new OffsetsChangeDone(name));
                return t.IsCompletedSuccessfully ? (object)new WorkerProtocol.OffsetsChanged(t.Result) : Failure(t.Exception);
            })
            .PipeTo(Sender);
    }));

    // Validation may call a connector's validate(), which may do I/O: off the mailbox.
    private void OnValidate(WorkerProtocol.ValidateConfig m)
    {
        var (providers, validator) = (_services.Providers, _validator);
        Reply(Task.Run(() => validator.Validate(m.Plugin, m.Config, providers)), infos => infos);
    }

    private void OnGetPluginConfig(WorkerProtocol.GetPluginConfig m)
    {
        try
        {
            Sender.Tell(_services.Plugins.PluginConfig(m.Plugin));
        }
        catch (ConnectException e)
        {
            Sender.Tell(Failure(e));
        }
    }

    /// <summary>Applied here before the reply, so this worker's next GET shows it; the others apply it as it reaches them.</summary>
    private void OnSetClusterLoggerLevel(WorkerProtocol.SetClusterLoggerLevel m)
    {
        var level = new WorkerProtocol.ApplyLoggerLevel(m.Name, m.Level);
        ApplyLoggerLevel(level);
        _mode.SpreadLoggerLevel(level);
        _log.Info("Logger {0} set to {1} on every worker of the cluster", m.Name, m.Level);
        Sender.Tell(new WorkerProtocol.ClusterLoggerLevelSet(m.Name, m.Level));
    }

    private void ApplyLoggerLevel(WorkerProtocol.ApplyLoggerLevel m)
    {
        if (_levels is null)
        {
            // A worker embedded without the host's logging (no REST server) has no levels to change.
            _log.Warning("Logger {0} was to be set to {1} with cluster scope, but this worker's host exposes no log levels", m.Name, m.Level);
            return;
        }

        try
        {
            _levels.SetLevel(m.Name, m.Level);
        }
        catch (ArgumentException e)
        {
            // Another worker's level names may differ (a newer version): this one keeps its level and says why.
            _log.Warning("Logger {0} not set with cluster scope: {1}", m.Name, e.Message);
        }
    }

    /// <summary>Runs <paramref name="action"/> with the connector a request names, or replies NotFoundException.</summary>
    private void WithConnector(string name, Action<ConnectorView> action)
    {
        if (_mode.Find(name) is { } connector)
        {
            action(connector);
        }
        else
        {
            Sender.Tell(Failure(new NotFoundException($"Connector {name} not found")));
        }
    }

    private void WithPlugin(ConnectorView connector, Action<ConnectorPlugin> action)
    {
        if (connector.Plugin is { } plugin)
        {
            action(plugin);
        }
        else
        {
            Sender.Tell(Failure(new ConflictException($"Connector {connector.Name} could not be loaded ({connector.LoadError?.Message}); fix or delete it first")));
        }
    }

    /// <summary>Every connector's status, gathered off the mailbox: a connector busy in start() must not hold up the worker's other messages.</summary>
    private Task<ConnectorStatus[]> AllStatusAsync() => Task.WhenAll(_mode.All().Select(_mode.StatusAsync));

    /// <summary>The worker's metrics, its gauges set from the statuses of this moment.</summary>
    private async Task<WorkerProtocol.MetricsText> ScrapeAsync()
    {
        var statuses = await AllStatusAsync().ConfigureAwait(false);
        return new WorkerProtocol.MetricsText(await _services.Metrics.ExportAsTextAsync(statuses, _services.WorkerId).ConfigureAwait(false));
    }

    /// <summary>Replies the task's result, shaped by <paramref name="reply"/>, or its failure; off the mailbox.</summary>
    private void Reply<T>(Task<T> task, Func<T, object> reply) =>
        task.ContinueWith(t => t.IsCompletedSuccessfully ? reply(t.Result) : Failure(t.Exception)).PipeTo(Sender);

    /// <summary>Validates off the mailbox (a connector's validate may do I/O); <paramref name="then"/> continues on it, the requester still the sender.</summary>
    private void ValidateThen(IReadOnlyDictionary<string, string> config, Action<ConnectorConfig, ConnectorPlugin> then)
    {
        var (services, log) = (_services, _log);
        Task.Run(() => ConnectorValidator.Validate(config, services)).PipeTo(_context.Self, Sender,
            r => new Validated(r.Config, r.Plugin, then),
            e =>
            {
                var cause = e is AggregateException { InnerException: { } inner } ? inner : e;
                log.Warning("Connector config rejected: {0}", services.Providers.Secrets.Redact(cause.Message));
                return new Rejected(cause);
            });
    }

    private static AlreadyExistsException AlreadyExists(string name) => new($"Connector {name} already exists");

    /// <summary>A config passed validation; <see cref="Then"/> continues the request on the mailbox.</summary>
    private sealed record Validated(ConnectorConfig Config, ConnectorPlugin Plugin, Action<ConnectorConfig, ConnectorPlugin> Then);

    /// <summary>A config failed validation: the requester (this message's sender) gets the reason.</summary>
    private sealed record Rejected(Exception Cause);

    private sealed record OffsetsChangeDone(string Name);
}
