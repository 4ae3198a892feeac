using System.Reflection;
using ActorConnect.Runtime.Clients;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Standalone;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime;

/// <summary>
/// A standalone worker (Kafka Connect's connect-standalone): offsets in a local file, connectors from .properties
/// files. Runs in its own ActorSystem, or inside one the host already has.
/// </summary>
public sealed class StandaloneWorker : IAsyncDisposable
{
    private readonly bool _ownsSystem;

    private StandaloneWorker(ActorSystem system, IActorRef worker, TaskServices services, bool ownsSystem)
    {
        System = system;
        Worker = worker;
        Services = services;
        _ownsSystem = ownsSystem;
    }

    public ActorSystem System { get; }

    public IActorRef Worker { get; }

    public TaskServices Services { get; }

    /// <summary>Starts a worker in a new ActorSystem configured from hocon/actorconnect.conf plus <paramref name="hocon"/>.</summary>
    public static StandaloneWorker Start(WorkerConfig config, Akka.Configuration.Config? hocon = null, string? workerId = null, params Assembly[] pluginAssemblies) =>
        Start(CreateSystem(hocon), config, stateFiles: null, workerId, ownsSystem: true, pluginAssemblies);

    /// <summary>
    /// Starts a worker in a new ActorSystem on state files the caller has already opened (and so checked, before it
    /// served anything); the host's way.
    /// </summary>
    public static StandaloneWorker Start(StandaloneStateFiles stateFiles, WorkerConfig config, Akka.Configuration.Config? hocon, string workerId) =>
        Start(CreateSystem(hocon), stateFiles, config, workerId);

    /// <summary>
    /// Starts a worker in <paramref name="system"/>, made by <see cref="CreateSystem"/>, which the worker then owns (it
    /// terminates it when disposed), on state files the caller has already opened. The host creates the system while its
    /// REST server binds, so that the two parts of start-up overlap.
    /// </summary>
    public static StandaloneWorker Start(ActorSystem system, StandaloneStateFiles stateFiles, WorkerConfig config, string workerId) =>
        Start(system, config, stateFiles, workerId, ownsSystem: true, []);

    /// <summary>Starts a worker inside an existing ActorSystem (embedding); the system must include the runtime's HOCON defaults.</summary>
    public static StandaloneWorker Start(ActorSystem system, WorkerConfig config, string? workerId = null, bool ownsSystem = false, params Assembly[] pluginAssemblies) =>
        Start(system, config, stateFiles: null, workerId, ownsSystem, pluginAssemblies);

    /// <summary>
    /// Starts a worker whose tasks get their Kafka clients from <paramref name="kafka"/> (tests: an in-memory Kafka), in a
    /// new ActorSystem. The worker does not check that it reaches Kafka: those clients are not the brokers'.
    /// </summary>
    public static StandaloneWorker Start(WorkerConfig config, Akka.Configuration.Config? hocon, ITaskKafkaClients kafka, string workerId, params Assembly[] pluginAssemblies) =>
        Start(CreateSystem(hocon), config, stateFiles: null, workerId, ownsSystem: true, pluginAssemblies, kafka);

    /// <summary>As <see cref="Start(WorkerConfig, Akka.Configuration.Config?, ITaskKafkaClients, string, Assembly[])"/>, inside an existing ActorSystem.</summary>
    public static StandaloneWorker Start(ActorSystem system, WorkerConfig config, ITaskKafkaClients kafka, string workerId, params Assembly[] pluginAssemblies) =>
        Start(system, config, stateFiles: null, workerId, ownsSystem: false, pluginAssemblies, kafka);

    /// <summary>A new ActorSystem configured from hocon/actorconnect.conf plus <paramref name="hocon"/>, as a worker's own system is.</summary>
    public static ActorSystem CreateSystem(Akka.Configuration.Config? hocon) =>
        ActorSystem.Create("actorconnect", (hocon ?? Akka.Configuration.Config.Empty).WithFallback(RuntimeSettings.DefaultConfig()));

    private static StandaloneWorker Start(ActorSystem system, WorkerConfig config, StandaloneStateFiles? stateFiles, string? workerId, bool ownsSystem, Assembly[] pluginAssemblies,
        ITaskKafkaClients? kafka = null)
    {
        var settings = RuntimeSettings.Create(system);
        var log = system.Log;
        TaskServices services;
        try
        {
            stateFiles ??= StandaloneStateFiles.Open(config, line => log.Warning("{0}", line));
            var providers = Config.Providers.ConfigProviders.FromWorkerProperties(config.Originals, line => log.Warning(line));
            var clients = ClientConfigs.Create(config, providers, log);
            var broker = new BrokerFeaturesCache(config.BootstrapServersValue, line => log.Info("Kafka at {0}: {1}", config.BootstrapServersValue, line), config.DeclaredBrokerFeatures,
                clients.ProbeSecurity);
            if (kafka is null)
            {
                // The probe's round trips overlap the plugin scan below; the first task waits for its answer anyway. A
                // broker that does not answer is reported by the connectivity check and the tasks, not here.
                broker.GetAsync(settings.ConnectivityCheckTimeout).ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }

            services = new TaskServices(
                workerId ?? $"{Environment.MachineName}:standalone",
                config,
                settings,
                stateFiles.Offsets,
                broker,
                PluginRegistry.CreateDefault(config.PluginPaths, pluginAssemblies))
            {
                Providers = providers,
                Clients = clients,
                Kafka = kafka ?? ConfluentTaskKafkaClients.Instance,
            };
        }
        catch when (ownsSystem)
        {
            // A bad plugin.path or state file must not leave an ActorSystem (and its threads) behind.
            system.Terminate().Wait(settings.Worker.Terminate);
            throw;
        }

        if (kafka is null)
        {
            services = services with { Connectivity = WorkerConnectivity.Start(system, config, services.Broker, settings) };
        }

        var worker = system.ActorOf(WorkerActor.Props(services, stateFiles.Connectors), "worker");
        return new StandaloneWorker(system, worker, services, ownsSystem);
    }

    /// <summary>How long each call waits for the worker (<c>actorconnect.worker.*</c>).</summary>
    private WorkerTimeouts Timeouts => Services.Settings.Worker;

    /// <summary>Creates a connector; throws the validation error (naming the keys) when its config is bad.</summary>
    public async Task<string> CreateConnectorAsync(IReadOnlyDictionary<string, string> config)
    {
        var created = await Worker.Ask<ConnectorInfo>(new WorkerProtocol.CreateConnector(config), Timeouts.Ask).ConfigureAwait(false);
        return created.Name;
    }

    /// <summary>
    /// Creates a connector or replaces its config (as <c>PUT /connectors/{name}/config</c>), keeping its stored target
    /// state: how connector files given on the command line meet the connectors the config store brought back.
    /// </summary>
    public Task<WorkerProtocol.ConfigPut> PutConnectorConfigAsync(IReadOnlyDictionary<string, string> config) =>
        Worker.Ask<WorkerProtocol.ConfigPut>(
            new WorkerProtocol.PutConnectorConfig(config.GetValueOrDefault(ConnectorConfig.Name) ?? throw new Api.Errors.ConfigException("Missing required configuration \"name\" which has no default value."), config),
            Timeouts.Ask);

    /// <summary>Runs, pauses or stops a connector; returns once its tasks have followed.</summary>
    public Task SetTargetStateAsync(string connector, TargetState state) =>
        Worker.Ask<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(connector, state), Timeouts.Change);

    /// <summary>Sends any <see cref="WorkerProtocol"/> request and returns its reply, or throws the failure it carries.</summary>
    public Task<T> AskAsync<T>(object request, TimeSpan? timeout = null) => Worker.Ask<T>(request, timeout ?? Timeouts.Ask);

    public Task<ConnectorStatus> StatusAsync(string connector) =>
        Worker.Ask<ConnectorStatus>(new WorkerProtocol.GetConnectorStatus(connector), Timeouts.Query);

    public Task<List<ConnectorStatus>> StatusAsync() =>
        Worker.Ask<List<ConnectorStatus>>(WorkerProtocol.GetAllStatus.Instance, Timeouts.Query);

    public Task DeleteConnectorAsync(string connector) =>
        Worker.Ask<WorkerProtocol.ConnectorDeleted>(new WorkerProtocol.DeleteConnector(connector), Timeouts.Change);

    /// <summary>Stops every connector cleanly (offsets flushed and committed), then the ActorSystem if this worker made it.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        try
        {
            await Worker.Ask<WorkerProtocol.ShutdownComplete>(WorkerProtocol.Shutdown.Instance, timeout ?? Timeouts.Change).ConfigureAwait(false);
        }
        finally
        {
            Services.Connectivity?.Dispose();
            Services.Providers.Dispose();
            if (_ownsSystem)
            {
                await System.Terminate().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted)
        {
            await StopAsync().ConfigureAwait(false);
        }
    }
}
