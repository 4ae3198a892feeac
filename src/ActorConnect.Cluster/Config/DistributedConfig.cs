using System.Globalization;
using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Config;

namespace ActorConnect.Cluster.Config;

/// <summary>
/// A distributed worker's configuration: the keys every worker reads (<see cref="WorkerConfig"/>), Kafka Connect's
/// distributed keys (group, internal topics), the three cluster keys that differ per node and the cluster's TLS stores
/// (<c>cluster.ssl.*</c>). Every other Akka setting lives in hocon/cluster.conf.
/// </summary>
public sealed class DistributedConfig
{
    public const string GroupId = "group.id";
    public const string ConfigStorageTopic = "config.storage.topic";
    public const string ConfigStorageReplicationFactor = "config.storage.replication.factor";
    public const string OffsetStorageTopic = "offset.storage.topic";
    public const string OffsetStoragePartitions = "offset.storage.partitions";
    public const string OffsetStorageReplicationFactor = "offset.storage.replication.factor";
    public const string StatusStorageTopic = "status.storage.topic";
    public const string StatusStoragePartitions = "status.storage.partitions";
    public const string StatusStorageReplicationFactor = "status.storage.replication.factor";
    public const string ClusterHostname = "cluster.hostname";
    public const string ClusterPort = "cluster.port";
    public const string ClusterSeedNodes = "cluster.seed.nodes";
    public const string ClusterSslKeystoreLocation = ClusterTls.Prefix + "keystore.location";
    public const string ClusterSslKeystorePassword = ClusterTls.Prefix + "keystore.password";
    public const string ClusterSslKeystoreType = ClusterTls.Prefix + "keystore.type";
    public const string ClusterSslKeyPassword = ClusterTls.Prefix + "key.password";
    public const string ClusterSslTruststoreLocation = ClusterTls.Prefix + "truststore.location";
    public const string ClusterSslTruststorePassword = ClusterTls.Prefix + "truststore.password";
    public const string ClusterSslTruststoreType = ClusterTls.Prefix + "truststore.type";

    // Kafka's default replication factor is 3, which fails on a cluster of fewer brokers; -1 asks the broker for its
    // default.replication.factor, which is what the operator set for the cluster (and works on one broker).
    private const short BrokerDefaultReplication = -1;

    /// <summary>The distributed keys; the common ones are <see cref="WorkerConfig.Definition"/>'s.</summary>
    public static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired(GroupId, ConfigType.String, Importance.High,
            "The cluster's name: workers with the same group.id (and the same internal topics) form one cluster. Must not collide with a consumer group.",
            ConfigValidators.NonEmptyString(), group: "Distributed")
        .Define(ConfigStorageTopic, ConfigType.String, "connect-configs", Importance.High,
            "Compacted topic holding connector configs, target states and task configs; always one partition.", ConfigValidators.NonEmptyString(), group: "Distributed")
        .Define(ConfigStorageReplicationFactor, ConfigType.Short, BrokerDefaultReplication, Importance.Low,
            "Replication factor when the worker creates the config topic; -1: the broker's default.", ReplicationValidator(), group: "Distributed")
        .Define(OffsetStorageTopic, ConfigType.String, "connect-offsets", Importance.High,
            "Compacted topic holding source connectors' offsets.", ConfigValidators.NonEmptyString(), group: "Distributed")
        .Define(OffsetStoragePartitions, ConfigType.Int, 25, Importance.Low,
            "Partitions when the worker creates the offsets topic.", ConfigValidators.AtLeast(1), group: "Distributed")
        .Define(OffsetStorageReplicationFactor, ConfigType.Short, BrokerDefaultReplication, Importance.Low,
            "Replication factor when the worker creates the offsets topic; -1: the broker's default.", ReplicationValidator(), group: "Distributed")
        .Define(StatusStorageTopic, ConfigType.String, "connect-status", Importance.High,
            "Compacted topic holding connector and task statuses.", ConfigValidators.NonEmptyString(), group: "Distributed")
        .Define(StatusStoragePartitions, ConfigType.Int, 5, Importance.Low,
            "Partitions when the worker creates the status topic.", ConfigValidators.AtLeast(1), group: "Distributed")
        .Define(StatusStorageReplicationFactor, ConfigType.Short, BrokerDefaultReplication, Importance.Low,
            "Replication factor when the worker creates the status topic; -1: the broker's default.", ReplicationValidator(), group: "Distributed")
        .Define(ClusterHostname, ConfigType.String, null, Importance.High,
            "The host name or address other workers reach this one at (Akka remoting). Default: this machine's host name.", group: "Cluster")
        .Define(ClusterPort, ConfigType.Int, 2552, Importance.High,
            "The port other workers reach this one at (Akka remoting); 0 picks a free port, which discovery announces (one properties file can then serve several workers on one host).", ConfigValidators.Range(0, 65535), group: "Cluster")
        .Define(ClusterSeedNodes, ConfigType.List, "", Importance.High,
            "Workers to join, as host:port (comma-separated), the same list on every worker. Empty (the default): workers of one group.id find each other " +
            "through the config topic, as Kafka Connect's do; set it only where that cannot work.",
            ConfigValidators.Lambda(v => (v as IReadOnlyList<string> ?? []).FirstOrDefault(s => !TryParseHostPort(s, out _, out _)) is { } bad
                ? $"Expected host:port, got \"{bad}\""
                : null, "a list of host:port"), group: "Cluster")
        .Define(ClusterSslKeystoreLocation, ConfigType.String, null, Importance.High,
            "This node's certificate and private key (JKS, PKCS12 or PEM). Setting it turns mutual TLS on for the cluster's remoting; needs cluster.ssl.truststore.location.",
            group: "Cluster")
        .Define(ClusterSslKeystorePassword, ConfigType.Password, null, Importance.High, "The password of cluster.ssl.keystore.location.", group: "Cluster")
        .Define(ClusterSslKeystoreType, ConfigType.String, null, Importance.Medium,
            "JKS, PKCS12 or PEM; read from the file's content when not set.", group: "Cluster")
        .Define(ClusterSslKeyPassword, ConfigType.Password, null, Importance.Medium,
            "The private key's password, when it differs from the store's (JKS) or the PEM key is encrypted.", group: "Cluster")
        .Define(ClusterSslTruststoreLocation, ConfigType.String, null, Importance.High,
            "The CA every node's certificate must be signed by (JKS, PKCS12 or PEM); only its certificates are trusted, never the system's.", group: "Cluster")
        .Define(ClusterSslTruststorePassword, ConfigType.Password, null, Importance.Medium, "The password of cluster.ssl.truststore.location.", group: "Cluster")
        .Define(ClusterSslTruststoreType, ConfigType.String, null, Importance.Low,
            "JKS, PKCS12 or PEM; read from the file's content when not set.", group: "Cluster");

    private readonly ParsedConfig _parsed;

    private DistributedConfig(WorkerConfig worker, ParsedConfig parsed, ClusterTls? tls)
    {
        Worker = worker;
        _parsed = parsed;
        Tls = tls;
    }

    /// <summary>Parses worker properties, throwing one <see cref="ConfigException"/> that names every bad key.</summary>
    public static DistributedConfig Parse(IReadOnlyDictionary<string, string> props)
    {
        WorkerConfig? worker = null;
        ParsedConfig? parsed = null;
        var errors = new List<string>();
        try
        {
            worker = WorkerConfig.Parse(props);
        }
        catch (ConfigException e)
        {
            errors.Add(e.Message);
        }

        try
        {
            parsed = Definition.Parse(props);
        }
        catch (ConfigException e)
        {
            errors.Add(e.Message);
        }

        ClusterTls? tls = null;
        try
        {
            tls = ClusterTls.FromProperties(props);
        }
        catch (ConfigException e)
        {
            errors.Add(e.Message);
        }

        return errors.Count > 0 ? throw new ConfigException(string.Join("; ", errors)) : new DistributedConfig(worker!, parsed!, tls);
    }

    /// <summary>Mutual TLS between the nodes (<c>cluster.ssl.*</c>); null when remoting speaks plain TCP.</summary>
    public ClusterTls? Tls { get; }

    /// <summary>The keys every worker reads (converters, bootstrap servers, flush interval, plugin path, ...).</summary>
    public WorkerConfig Worker { get; }

    public string GroupIdValue => _parsed.GetString(GroupId)!;

    public string Hostname => _parsed.GetString(ClusterHostname) is { Length: > 0 } host ? host : System.Net.Dns.GetHostName();

    public int Port => _parsed.GetInt(ClusterPort);

    /// <summary>The seed nodes as given, host and port.</summary>
    public IReadOnlyList<(string Host, int Port)> SeedNodes => _parsed.GetList(ClusterSeedNodes)
        .Select(s => TryParseHostPort(s, out var host, out var port) ? (host, port) : throw new ConfigException($"Invalid {ClusterSeedNodes} entry {s}"))
        .ToList();

    /// <summary>
    /// The REST listener's port (from <c>listeners</c>), which with <see cref="Hostname"/> makes the default
    /// <c>worker_id</c> when the REST server does not say which address it advertises.
    /// </summary>
    public int RestPort => _parsed.Originals.GetValueOrDefault(WorkerConfig.Listeners, WorkerConfig.DefaultListeners).Split(',')[0].Trim() is var listener
                           && listener.LastIndexOf(':') is var colon and > 0
                           && int.TryParse(listener[(colon + 1)..].TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
        ? port
        : 8083;

    public KafkaLogSettings ConfigTopic(BrokerFeatures features) =>
        LogSettings(_parsed.GetString(ConfigStorageTopic)!, 1, ConfigStorageReplicationFactor, features);

    public KafkaLogSettings OffsetTopic(BrokerFeatures features) =>
        LogSettings(_parsed.GetString(OffsetStorageTopic)!, _parsed.GetInt(OffsetStoragePartitions), OffsetStorageReplicationFactor, features);

    public KafkaLogSettings StatusTopic(BrokerFeatures features) =>
        LogSettings(_parsed.GetString(StatusStorageTopic)!, _parsed.GetInt(StatusStoragePartitions), StatusStorageReplicationFactor, features);

    private KafkaLogSettings LogSettings(string topic, int partitions, string replicationKey, BrokerFeatures features) =>
        new(Worker.BootstrapServersValue, topic, partitions, Convert.ToInt16(_parsed.Get(replicationKey), CultureInfo.InvariantCulture)) { BrokerFeatures = features };

    private static IConfigValidator ReplicationValidator() => ConfigValidators.Lambda(
        v => v is short s && (s == -1 || s >= 1) ? null : "Expected -1 (the broker's default) or at least 1",
        "-1 (the broker's default) or at least 1");

    private static bool TryParseHostPort(string value, out string host, out int port)
    {
        var colon = value.LastIndexOf(':');
        host = colon > 0 ? value[..colon].Trim() : string.Empty;
        port = 0;
        return colon > 0 && host.Length > 0
               && int.TryParse(value[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
    }
}
