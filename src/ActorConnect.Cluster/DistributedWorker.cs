using System.Reflection;
using ActorConnect.Cluster.Config;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Cluster.Storage;
using ActorConnect.Cluster.Worker;
using ActorConnect.Runtime.Clients;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Tasks;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;

namespace ActorConnect.Cluster;

/// <summary>
/// A distributed worker (Kafka Connect's connect-distributed): one node of an Akka cluster whose connectors are
/// sharded entities, with configs, offsets and statuses in Kafka's compacted topics. Runs in its own ActorSystem or
/// inside one the host already has (which must be configured as a cluster node with hocon/cluster.conf).
/// </summary>
public sealed class DistributedWorker : IAsyncDisposable
{
    /// <summary>The sharding type name of connector entities.</summary>
    public const string ConnectorTypeName = ShardRegions.ConnectorTypeName;

    /// <summary>The sharding type name of task entities.</summary>
    public const string TaskTypeName = ShardRegions.TaskTypeName;

    private const string ReconcilerName = "connector-reconciler";
    private readonly bool _ownsSystem;
    private int _stopped;

    private readonly IActorRef _discovery;
    private readonly Address _address;

    private DistributedWorker(ActorSystem system, ClusterServices services, IActorRef region, IActorRef worker, IActorRef discovery, bool ownsSystem)
    {
        System = system;
        Services = services;
        Region = region;
        Worker = worker;
        _discovery = discovery;
        _address = Akka.Cluster.Cluster.Get(system).SelfAddress;
        _ownsSystem = ownsSystem;
    }

    public ActorSystem System { get; }

    public ClusterServices Services { get; }

    /// <summary>The shard region of connector entities on this node.</summary>
    public IActorRef Region { get; }

    /// <summary>The actor answering <see cref="WorkerProtocol"/> (the REST API's "worker").</summary>
    public IActorRef Worker { get; }

    /// <summary>
    /// Why this node runs no connector or task now (still finding or joining its group's cluster, or standing down for
    /// another cluster of its group), or null once it runs them; its worker answers connector requests with 503 meanwhile.
    /// </summary>
    public string? RunsNothingBecause => Services.Entities.RunsNothing?.Reason;

    /// <summary>This node's cluster address.</summary>
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <summary>
    /// Starts a node in a new ActorSystem named <c>actorconnect</c> from hocon/actorconnect.conf, hocon/cluster.conf,
    /// <paramref name="hocon"/> and the cluster keys of <paramref name="config"/>, and joins the seed nodes, or without
    /// them the cluster its group's workers announce in the config topic (<see cref="Discovery.ClusterDiscovery"/>).
    /// </summary>
    /// <param name="config">The worker properties.</param>
    /// <param name="hocon">Akka overrides.</param>
    /// <param name="workerId">This node's advertised REST host:port (Kafka Connect's worker_id); default cluster.hostname and the listeners' port.</param>
    /// <param name="pluginAssemblies">Assemblies holding connectors besides plugin.path's (tests, embedding).</param>
    public static async Task<DistributedWorker> StartAsync(DistributedConfig config, Akka.Configuration.Config? hocon = null, string? workerId = null, params Assembly[] pluginAssemblies)
    {
        var system = ActorSystem.Create("actorconnect", ClusterSettings.NodeSetup(config, hocon));
        if (ClusterSettings.OpenRemotingWarning(config, system.Settings.Config) is { } open)
        {
            system.Log.Warning("{0}", open);
        }
        else if (config.Tls is { } tls)
        {
            system.Log.Info("Cluster remoting uses mutual TLS: this node presents {0}; peers must present a certificate signed by the CA in {1}",
                tls.Identity.Certificate.Subject, DistributedConfig.ClusterSslTruststoreLocation);
        }

        try
        {
            var seeds = ClusterSettings.SeedAddresses(config, system.Name);
            var worker = await StartCoreAsync(system, config, workerId, ownsSystem: true, discoveryJoins: seeds.Count == 0, pluginAssemblies).ConfigureAwait(false);
            if (seeds.Count > 0)
            {
                Akka.Cluster.Cluster.Get(system).JoinSeedNodes(seeds);
            }

            return worker;
        }
        catch
        {
            // Stores that failed to start (a missing topic on an old broker) must not leave a half-started node.
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts the worker inside an existing cluster-enabled ActorSystem (embedding): the host decides how and when the
    /// node joins its cluster. The system's config must include hocon/cluster.conf's settings
    /// (<see cref="ClusterSettings.DefaultConfig"/>) and the runtime's (<see cref="RuntimeSettings.DefaultConfig"/>).
    /// </summary>
    public static Task<DistributedWorker> StartAsync(ActorSystem system, DistributedConfig config, string? workerId = null, bool ownsSystem = false, params Assembly[] pluginAssemblies) =>
        StartCoreAsync(system, config, workerId, ownsSystem, discoveryJoins: false, pluginAssemblies);

    /// <summary>Starts the worker; with <paramref name="discoveryJoins"/> its discovery joins the cluster (no seed nodes), else the caller does.</summary>
    private static async Task<DistributedWorker> StartCoreAsync(ActorSystem system, DistributedConfig config, string? workerId, bool ownsSystem, bool discoveryJoins,
        Assembly[] pluginAssemblies)
    {
        var log = system.Log;
        var worker = config.Worker;
        var providers = Runtime.Config.Providers.ConfigProviders.FromWorkerProperties(worker.Originals, line => log.Warning(line));
        var clients = ClientConfigs.Create(worker, providers, log);
        var broker = new BrokerFeaturesCache(worker.BootstrapServersValue, line => log.Info("Kafka at {0}: {1}", worker.BootstrapServersValue, line), worker.DeclaredBrokerFeatures,
            clients.ProbeSecurity);
        // Read first: a bad value is refused before anything starts.
        var settings = ClusterSettings.Create(system);
        var features = await broker.GetAsync(settings.BrokerWait).ConfigureAwait(false);
        // The internal topics' clients are the worker's own: its top-level client keys (the keys every client kind takes).
        var internalClients = clients.Worker(Kafka.ClientKeys.ClientKind.Admin);
        var configs = new KafkaConfigBackingStore(config.ConfigTopic(features) with { ClientProperties = internalClients, Timeouts = settings.InternalTopics });
        var offsets = new KafkaOffsetBackingStore(config.OffsetTopic(features) with { ClientProperties = internalClients, Timeouts = settings.InternalTopics });
        var statuses = new KafkaStatusBackingStore(config.StatusTopic(features) with { ClientProperties = internalClients, Timeouts = settings.InternalTopics });
        try
        {
            await Task.WhenAll(configs.StartAsync(), offsets.StartAsync(), statuses.StartAsync()).ConfigureAwait(false);
        }
        catch
        {
            configs.Dispose();
            offsets.Dispose();
            statuses.Dispose();
            throw;
        }

        var entities = new LocalEntities();
        var tasks = new TaskServices(
            workerId ?? $"{config.Hostname}:{config.RestPort}",
            worker,
            RuntimeSettings.Create(system),
            offsets,
            broker,
            PluginRegistry.CreateDefault(worker.PluginPaths, pluginAssemblies))
        {
            Providers = providers,
            Clients = clients,
            StatusListener = entities.OnStatus,
        };
        tasks = tasks with { Connectivity = WorkerConnectivity.Start(system, worker, broker, tasks.Settings) };
        var services = new ClusterServices(tasks, configs, offsets, statuses, settings) { Entities = entities };

        var sharding = ClusterSharding.Get(system);
        var shardingSettings = ClusterShardingSettings.Create(system);
        var region = await sharding.StartAsync(
            ConnectorTypeName,
            name => ConnectorEntity.Props(name, services),
            shardingSettings,
            new ConnectorEntityProtocol.MessageExtractor(settings.NumberOfShards),
            ClusterSharding.Get(system).DefaultShardAllocationStrategy(shardingSettings),
            ConnectorEntityProtocol.Stop.Instance).ConfigureAwait(false);

        var taskRegion = await sharding.StartAsync(
            TaskTypeName,
            id => TaskEntity.Props(id, services),
            shardingSettings,
            new TaskEntityProtocol.MessageExtractor(),
            ClusterSharding.Get(system).DefaultShardAllocationStrategy(shardingSettings),
            TaskEntityProtocol.Stop.Instance).ConfigureAwait(false);

        services.Regions.Connector = region;
        services.Regions.Task = taskRegion;
        system.ActorOf(
            ClusterSingletonManager.Props(
                ConnectorReconciler.Props(services, region, taskRegion),
                PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system)),
            ReconcilerName);

        var selfOnly = new[] { Akka.Cluster.Cluster.Get(system).SelfAddress };
        var seeds = ClusterSettings.SeedAddresses(config, system.Name).Except(selfOnly).ToList();
        system.ActorOf(ClusterMembershipLog.Props(seeds, settings.JoinWarningAfter), "membership-log");
        if (settings.RefusedProbeTimeout is { } probeTimeout)
        {
            system.ActorOf(RefusedNodeDowning.Props(probeTimeout), "refused-node-downing");
        }

        var discovery = system.ActorOf(
            Discovery.ClusterDiscovery.Props(settings.Discovery, configs, entities, config.GroupIdValue, tasks.WorkerId, seeds, discoveryJoins, settings.JoinWarningAfter),
            "discovery");
        var workerActor = system.ActorOf(ClusterWorkerActor.Props(services, region), "worker");
        AddHandOverToShutdown(system, workerActor);
        return new DistributedWorker(system, services, region, workerActor, discovery, ownsSystem);
    }

    /// <summary>
    /// However the system shuts down (this worker's <see cref="StopAsync"/>, the host's own shutdown, SIGTERM), the
    /// node's work is handed over in sharding's phase by the worker's <see cref="NodeHandOver"/>, beside sharding's own
    /// region shutdown, which alone can leave a shard behind. A node that was downed has no one to hand over to: its
    /// regions stop at once, as sharding does.
    /// </summary>
    private static void AddHandOverToShutdown(ActorSystem system, IActorRef workerActor)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        var timeout = shutdown.Timeout(CoordinatedShutdown.PhaseClusterShardingShutdownRegion);
        shutdown.AddTask(CoordinatedShutdown.PhaseClusterShardingShutdownRegion, "actorconnect-hand-over", async () =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            if (cluster.IsTerminated || cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Down)
            {
                return Akka.Done.Instance;
            }

            try
            {
                await workerActor.Ask<WorkerProtocol.ShutdownComplete>(WorkerProtocol.Shutdown.Instance, timeout).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                system.Log.Warning("This node's connectors and tasks were not handed over within {0}; the system stops them as it ends", timeout);
            }

            return Akka.Done.Instance;
        });
    }

    /// <summary>
    /// Why this node's ActorSystem ended by itself (not by <see cref="StopAsync"/>), for the host's last log line: the
    /// Split Brain Resolver downed it, or (with <c>cluster.ssl.*</c>) a TLS handshake it made failed, on which Akka stops
    /// the node rather than let it half-join; the line before it in the log names the certificate refused.
    /// </summary>
    public string EndedBecause() =>
        // Akka's reason type is internal: its name is all there is to go by.
        CoordinatedShutdown.Get(System).ShutdownReason?.GetType().Name == "TlsHandshakeFailureReason"
            ? "This node stopped because a TLS handshake with another cluster node failed (Akka stops a node whose outgoing TLS connection fails). " +
              $"This node and the others need certificates signed by one CA ({DistributedConfig.ClusterSslKeystoreLocation}, {DistributedConfig.ClusterSslTruststoreLocation}); " +
              "the lines above and the other node's log say which certificate was refused"
            : "This node was removed from the cluster (downed); its connectors run on the other nodes";

    /// <summary>
    /// True when the node ended itself to join another cluster of its group (it found its own was formed second):
    /// the host starts the worker again (<c>actorconnect distributed</c> does), and discovery joins the live cluster.
    /// </summary>
    public bool EndedToRejoin => CoordinatedShutdown.Get(System).ShutdownReason is Discovery.ClusterDiscovery.RejoinReason;

    /// <summary>Sends any <see cref="WorkerProtocol"/> request and returns its reply, or throws the failure it carries.</summary>
    public Task<T> AskAsync<T>(object request, TimeSpan? timeout = null) => Worker.Ask<T>(request, timeout ?? Services.Settings.WorkerAskTimeout);

    public Task<ConnectorStatus> StatusAsync(string connector) => AskAsync<ConnectorStatus>(new WorkerProtocol.GetConnectorStatus(connector));

    /// <summary>
    /// Leaves the cluster gracefully: this node's connectors stop their tasks (offsets flushed) and start on the
    /// other nodes, then the ActorSystem ends if this worker made it, and the stores close.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            if (_ownsSystem)
            {
                // CoordinatedShutdown's phases: the shard region hands its shards over, the node leaves, the system ends.
                await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
            }
            else
            {
                await AskAsync<WorkerProtocol.ShutdownComplete>(WorkerProtocol.Shutdown.Instance, Services.Settings.ShutdownTimeout).ConfigureAwait(false);
            }
        }
        finally
        {
            await ForgetSelfAsync().ConfigureAwait(false);
            Services.Tasks.Connectivity?.Dispose();
            Services.Tasks.Providers.Dispose();
            Services.Configs.Dispose();
            Services.Offsets.Dispose();
            Services.Statuses.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>
    /// Deletes this node's announcement once it no longer writes it, so that a whole cluster stopped and started again
    /// does not wait for it to age out. Best effort: a record left behind is never live, and the leader deletes it later.
    /// </summary>
    private async Task ForgetSelfAsync()
    {
        try
        {
            if (!System.WhenTerminated.IsCompleted)
            {
                await _discovery.GracefulStop(Services.Settings.DiscoveryLeaveTimeout).ConfigureAwait(false);
            }

            await Services.Configs.PublishAsync(Discovery.ClusterDiscovery.SelfKey(_address), null).WaitAsync(Services.Settings.DiscoveryLeaveTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or Confluent.Kafka.KafkaException or ObjectDisposedException)
        {
            System.Log.Warning("This worker's announcement in {0} was not deleted ({1}); the other workers stop counting it once it is not rewritten", Services.Configs.Topic, e.Message);
        }
    }
}
