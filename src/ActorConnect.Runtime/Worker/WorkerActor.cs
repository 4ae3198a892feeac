using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Connectors;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// One per node: owns the connector supervisors of this node and answers for them. It validates a config before a
/// supervisor exists, so a bad config is an error reply, not a failed actor; it never escalates a connector's
/// failure, so one connector cannot take another down.
/// </summary>
public sealed class WorkerActor : ReceiveActor
{
    private readonly TaskServices _services;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _connectors = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, (string Name, List<IActorRef> Waiting)> _stopping = new();
    private IActorRef? _shutdownRequester;

    public WorkerActor(TaskServices services)
    {
        _services = services;
        Receive<WorkerProtocol.CreateConnector>(OnCreate);
        Receive<WorkerProtocol.DeleteConnector>(OnDelete);
        Receive<WorkerProtocol.SetTargetState>(m => WithConnector(m.Name, c =>
        {
            c.Tell(new ConnectorProtocol.SetPaused(m.State == TargetState.Paused));
            Sender.Tell(new WorkerProtocol.TargetStateSet(m.Name, m.State));
        }));
        Receive<WorkerProtocol.RestartTask>(m => WithConnector(m.Name, c => c.Forward(new ConnectorProtocol.RestartTask(m.Task))));
        Receive<WorkerProtocol.GetConnectorStatus>(m => WithConnector(m.Name, c => c.Forward(ConnectorProtocol.GetStatus.Instance)));
        Receive<WorkerProtocol.ListConnectors>(_ => Sender.Tell(_connectors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList()));
        // Gathered off the mailbox: a connector busy in start() must not hold up the worker's other messages.
        Receive<WorkerProtocol.GetAllStatus>(_ =>
            Task.WhenAll(_connectors.Values.Select(c => c.Ask<ConnectorStatus>(ConnectorProtocol.GetStatus.Instance, TimeSpan.FromSeconds(10))))
                .ContinueWith(t => t.IsCompletedSuccessfully
                    ? (object)t.Result.OrderBy(s => s.Name, StringComparer.Ordinal).ToList()
                    : new Akka.Actor.Status.Failure(t.Exception?.GetBaseException() ?? new TimeoutException("status query timed out")))
                .PipeTo(Sender));
        Receive<WorkerProtocol.Shutdown>(_ => OnShutdown());
        Receive<WorkerProtocol.GetHealth>(_ => Sender.Tell(WorkerProtocol.Healthy.Instance));
        Receive<Terminated>(OnTerminated);
    }

    public static Props Props(TaskServices services) => Akka.Actor.Props.Create(() => new WorkerActor(services));

    // Connector failures are handled inside each supervisor; a supervisor that itself crashes is stopped, not restarted
    // with a half-known state, and shows up as gone.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void OnCreate(WorkerProtocol.CreateConnector m)
    {
        try
        {
            var (config, plugin) = ConnectorValidator.Validate(m.Config, _services.Plugins);
            if (_connectors.ContainsKey(config.ConnectorName))
            {
                throw new AlreadyExistsException($"Connector {config.ConnectorName} already exists");
            }

            var child = Context.ActorOf(
                ConnectorSupervisor.Props(config.ConnectorName, m.Config, plugin, _services, config.MaxTasks),
                "connector-" + Uri.EscapeDataString(config.ConnectorName));
            Context.Watch(child);
            _connectors[config.ConnectorName] = child;
            _log.Info("Connector {0} created ({1})", config.ConnectorName, plugin.Type.FullName);
            Sender.Tell(new ConnectorInfo(config.ConnectorName, m.Config, Array.Empty<ConnectorTaskId>(), plugin.IsSource ? "source" : "sink"));
        }
        catch (ConnectException e)
        {
            _log.Error("Connector config rejected: {0}", e.Message);
            Sender.Tell(new Akka.Actor.Status.Failure(e));
        }
    }

    private void OnDelete(WorkerProtocol.DeleteConnector m) => WithConnector(m.Name, c =>
    {
        _connectors.Remove(m.Name);
        _stopping[c] = (m.Name, new List<IActorRef> { Sender });
        c.Tell(ConnectorProtocol.Shutdown.Instance);
    });

    private void OnShutdown()
    {
        _shutdownRequester = Sender;
        foreach (var (name, c) in _connectors)
        {
            _stopping[c] = (name, new List<IActorRef>());
            c.Tell(ConnectorProtocol.Shutdown.Instance);
        }

        _connectors.Clear();
        CompleteShutdownIfDone();
    }

    private void OnTerminated(Terminated t)
    {
        if (_stopping.Remove(t.ActorRef, out var entry))
        {
            foreach (var waiter in entry.Waiting)
            {
                waiter.Tell(new WorkerProtocol.ConnectorDeleted(entry.Name));
            }

            _log.Info("Connector {0} stopped", entry.Name);
        }
        else
        {
            var name = _connectors.FirstOrDefault(kv => kv.Value.Equals(t.ActorRef)).Key;
            if (name is not null)
            {
                _connectors.Remove(name);
                _log.Error("The supervisor of connector {0} stopped unexpectedly", name);
            }
        }

        CompleteShutdownIfDone();
    }

    private void CompleteShutdownIfDone()
    {
        if (_shutdownRequester is not null && _stopping.Count == 0)
        {
            _shutdownRequester.Tell(WorkerProtocol.ShutdownComplete.Instance);
            _shutdownRequester = null;
        }
    }

    private void WithConnector(string name, Action<IActorRef> action)
    {
        if (_connectors.TryGetValue(name, out var c))
        {
            action(c);
        }
        else
        {
            Sender.Tell(new Akka.Actor.Status.Failure(new NotFoundException($"Connector {name} not found")));
        }
    }
}
