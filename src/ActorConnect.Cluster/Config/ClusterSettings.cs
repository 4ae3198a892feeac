using ActorConnect.Cluster.Config;
using ActorConnect.Kafka;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace ActorConnect.Cluster.Config;

/// <summary>Distributed mode's own settings, read from the <c>actorconnect.cluster</c> HOCON section (defaults in hocon/cluster.conf).</summary>
/// <param name="ReconcileInterval">How often the reconciler singleton looks at the config topic.</param>
/// <param name="NumberOfShards">Shards connectors and tasks are spread over.</param>
/// <param name="EntityAskTimeout">How long the worker waits for a connector's entity to answer.</param>
/// <param name="HandOverGrace">How long a leaving node lets the shard regions hand its work over before it stops what is left itself.</param>
/// <param name="JoinWarningAfter">How long a node may try to join its seed nodes before it logs that it has not joined, and the likely causes.</param>
/// <param name="Discovery">How workers find each other through the config topic.</param>
/// <remarks>Every default lives in hocon/cluster.conf (and hocon/actorconnect.conf for <see cref="InternalTopics"/>), none here.</remarks>
public sealed record ClusterSettings(TimeSpan ReconcileInterval, int NumberOfShards, TimeSpan EntityAskTimeout, TimeSpan HandOverGrace, TimeSpan JoinWarningAfter,
    DiscoverySettings Discovery)
{
    private static readonly Lazy<ClusterSettings> Defaults = new(() => Create(DefaultConfig().WithFallback(Runtime.Config.RuntimeSettings.DefaultConfig())));

    /// <summary>The settings of hocon/cluster.conf (and hocon/actorconnect.conf) as shipped.</summary>
    public static ClusterSettings Default => Defaults.Value;

    /// <summary>How long a starting worker waits for the broker's features (<c>broker-wait</c>).</summary>
    public required TimeSpan BrokerWait { get; init; }

    /// <summary>How long a caller of <see cref="DistributedWorker"/> waits for the worker's answer (<c>worker-ask-timeout</c>).</summary>
    public required TimeSpan WorkerAskTimeout { get; init; }

    /// <summary>How long a leaving node waits for its worker to stop every connector (<c>shutdown-timeout</c>).</summary>
    public required TimeSpan ShutdownTimeout { get; init; }

    /// <summary>How long a leaving node waits for its discovery to stop, then for its announcement's deletion (<c>discovery-leave-timeout</c>).</summary>
    public required TimeSpan DiscoveryLeaveTimeout { get; init; }

    /// <summary>How long shard regions whose entities have all stopped may take to end by themselves (<c>hand-over-settle</c>).</summary>
    public required TimeSpan HandOverSettle { get; init; }

    /// <summary>How long an entity waits before reading the config topic again after a failed read (<c>entity-load-retry</c>).</summary>
    public required TimeSpan EntityLoadRetry { get; init; }

    /// <summary>When, after the downing provider's removal margin, the reconciler looks again (<c>reconcile-after-removal</c>).</summary>
    public required (TimeSpan First, TimeSpan Second) ReconcileAfterRemoval { get; init; }

    /// <summary>
    /// Whether a member whose cluster port refuses connections is downed at once, and how long such a probe may take
    /// (<c>down-refused-nodes</c>); null when off.
    /// </summary>
    public required TimeSpan? RefusedProbeTimeout { get; init; }

    /// <summary>The internal topics' timeouts (<c>actorconnect.internal-topics</c>, in hocon/actorconnect.conf).</summary>
    public required KafkaLogTimeouts InternalTopics { get; init; }

    /// <summary>The embedded defaults from hocon/cluster.conf.</summary>
    public static Akka.Configuration.Config DefaultConfig() => HoconSettings.Embedded(typeof(ClusterSettings).Assembly, "cluster.conf");

    public static ClusterSettings Create(ActorSystem system) =>
        Create(system.Settings.Config.WithFallback(DefaultConfig()).WithFallback(Runtime.Config.RuntimeSettings.DefaultConfig()));

    /// <summary>Reads the <c>actorconnect.cluster</c> section (and <c>actorconnect.internal-topics</c>).</summary>
    /// <exception cref="Api.Errors.ConfigException">A value is missing or bad; the message names its key.</exception>
    public static ClusterSettings Create(Akka.Configuration.Config config)
    {
        var c = HoconSettings.Of(config, "actorconnect.cluster");
        var removal = c.Sub("reconcile-after-removal");
        var refused = c.Sub("down-refused-nodes");
        return new ClusterSettings(c.Duration("reconcile-interval"), c.Int("number-of-shards", 1), c.Duration("entity-ask-timeout"), c.Duration("hand-over-grace"),
            c.Duration("join-warning-after"), DiscoverySettings.Create(c.Sub("discovery")))
        {
            BrokerWait = c.Duration("broker-wait"),
            WorkerAskTimeout = c.Duration("worker-ask-timeout"),
            ShutdownTimeout = c.Duration("shutdown-timeout"),
            DiscoveryLeaveTimeout = c.Duration("discovery-leave-timeout"),
            HandOverSettle = c.Duration("hand-over-settle"),
            EntityLoadRetry = c.Duration("entity-load-retry"),
            ReconcileAfterRemoval = (removal.Duration("first"), removal.Duration("second")),
            RefusedProbeTimeout = refused.Bool("enabled") ? refused.Duration("probe-timeout") : null,
            // In the runtime's hocon/actorconnect.conf, which a config of cluster.conf alone lacks.
            InternalTopics = KafkaLogTimeouts.Create(config.WithFallback(Runtime.Config.RuntimeSettings.DefaultConfig())),
        };
    }

    /// <summary>
    /// The HOCON of one node: its remoting address from the worker properties, over the environment's overrides
    /// (<see cref="EnvironmentOverrides"/>), over <paramref name="overrides"/>, over hocon/cluster.conf, over the
    /// runtime's hocon/actorconnect.conf.
    /// </summary>
    public static Akka.Configuration.Config NodeConfig(DistributedConfig config, Akka.Configuration.Config? overrides = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        // With TLS the certificate comes from the worker properties (NodeSetup), never from Akka's own ssl.certificate
        // keys, which Akka would otherwise prefer to it; an empty path is what makes Akka take the setup's.
        var tls = config.Tls is null
            ? "enable-ssl = off"
            : "enable-ssl = on, ssl { certificate { path = \"\", use-thumbprint-over-file = off } }";
        var address = ConfigurationFactory.ParseString(
            $"akka.remote.dot-netty.tcp {{ hostname = {Quote(config.Hostname)}, port = {config.Port}, {tls} }}");
        var merged = address.WithFallback(EnvironmentOverrides(environment ?? CurrentEnvironment()));
        if (overrides is not null && !overrides.IsEmpty)
        {
            merged = merged.WithFallback(overrides);
        }

        return merged
            .WithFallback(DefaultConfig())
            .WithFallback(Runtime.Config.RuntimeSettings.DefaultConfig());
    }

    /// <summary>
    /// One node's ActorSystem setup: <see cref="NodeConfig"/>, and with <c>cluster.ssl.*</c> the TLS setup that gives
    /// remoting this node's certificate and the check of every peer's (<see cref="ClusterTls"/>).
    /// </summary>
    public static ActorSystemSetup NodeSetup(DistributedConfig config, Akka.Configuration.Config? overrides = null)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(NodeConfig(config, overrides));
        return config.Tls is { } tls ? bootstrap.And(tls.Setup()) : ActorSystemSetup.Create(bootstrap);
    }

    /// <summary>
    /// The Akka addresses of the seed nodes for an ActorSystem named <paramref name="systemName"/>; over TLS Akka's
    /// addresses are <c>akka.ssl.tcp://</c>.
    /// </summary>
    public static IReadOnlyList<Address> SeedAddresses(DistributedConfig config, string systemName) =>
        config.SeedNodes.Select(s => new Address(config.Tls is null ? "akka.tcp" : "akka.ssl.tcp", systemName, s.Host, s.Port)).ToList();

    /// <summary>
    /// The start-up warning of a node whose remoting has no TLS and listens beyond loopback (any host that reaches the
    /// port can join and run connectors); null when it has TLS or binds loopback only.
    /// </summary>
    /// <param name="config">The worker properties.</param>
    /// <param name="node">The node's HOCON, whose <c>bind-hostname</c> (when set) is where remoting listens.</param>
    public static string? OpenRemotingWarning(DistributedConfig config, Akka.Configuration.Config node)
    {
        if (config.Tls is not null)
        {
            return null;
        }

        var bind = node.GetString("akka.remote.dot-netty.tcp.bind-hostname", null) is { Length: > 0 } b ? b : config.Hostname;
        var port = int.TryParse(node.GetString("akka.remote.dot-netty.tcp.bind-port", ""), out var p) && p > 0 ? p : config.Port;
        return IsLoopback(bind)
            ? null
            : $"The cluster port {bind}:{port} ({DistributedConfig.ClusterHostname}) is open beyond this machine without TLS: any host that reaches it can join " +
              $"the cluster and run connectors. Set {DistributedConfig.ClusterSslKeystoreLocation} (this node's certificate) and " +
              $"{DistributedConfig.ClusterSslTruststoreLocation} (the cluster's CA) on every worker for mutual TLS (docs/security.md, Cluster), " +
              $"or firewall the port to the cluster's hosts";
    }

    /// <summary>A host that is or resolves only to loopback addresses; a name that does not resolve counts as open.</summary>
    private static bool IsLoopback(string host)
    {
        if (System.Net.IPAddress.TryParse(host, out var ip))
        {
            return System.Net.IPAddress.IsLoopback(ip);
        }

        try
        {
            var addresses = System.Net.Dns.GetHostAddresses(host);
            return addresses.Length > 0 && addresses.All(System.Net.IPAddress.IsLoopback);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Settings from variables named <c>ACTORCONNECT__</c> + the HOCON path in capitals, <c>__</c> for each dot and
    /// <c>_</c> for each dash: <c>ACTORCONNECT__AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__STABLE_AFTER=10s</c> sets
    /// <c>akka.cluster.split-brain-resolver.stable-after</c>. The spelling works in shells and in compose files.
    /// </summary>
    public static Akka.Configuration.Config EnvironmentOverrides(IReadOnlyDictionary<string, string> environment)
    {
        const string prefix = "ACTORCONNECT__";
        var lines = environment
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.Length > prefix.Length)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => string.Join(".", kv.Key[prefix.Length..].ToLowerInvariant().Split("__").Select(part => part.Replace('_', '-'))) + " = " + Quote(kv.Value));
        return ConfigurationFactory.ParseString(string.Join("\n", lines));
    }

    private static Dictionary<string, string> CurrentEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? string.Empty, StringComparer.Ordinal);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>The <c>actorconnect.cluster.discovery</c> section (hocon/cluster.conf explains each value).</summary>
/// <param name="RefreshInterval">How often a worker rewrites its announcement.</param>
/// <param name="LiveWindow">A worker whose announcement has not been rewritten for this long counts as gone.</param>
/// <param name="StableMargin">How long a worker watches before it forms a cluster, or runs anything.</param>
/// <param name="ForgetAfter">When a member deletes an announcement no one has rewritten (a SIGKILLed worker's).</param>
public sealed record DiscoverySettings(TimeSpan RefreshInterval, TimeSpan LiveWindow, TimeSpan StableMargin, TimeSpan ForgetAfter)
{
    /// <exception cref="Api.Errors.ConfigException">The windows contradict each other (a worker would form a second cluster beside a live one).</exception>
    public static DiscoverySettings Create(HoconSettings c)
    {
        var settings = new DiscoverySettings(c.Duration("refresh-interval"), c.Duration("live-window"), c.Duration("stable-margin"), c.Duration("forget-after"));
        if (settings.LiveWindow <= settings.RefreshInterval || settings.StableMargin < settings.LiveWindow)
        {
            throw new Api.Errors.ConfigException(
                $"actorconnect.cluster.discovery: live-window ({settings.LiveWindow}) must be longer than refresh-interval ({settings.RefreshInterval}), and " +
                $"stable-margin ({settings.StableMargin}) at least live-window: a worker must see a live cluster's records before it may form one of its own");
        }

        return settings;
    }
}
