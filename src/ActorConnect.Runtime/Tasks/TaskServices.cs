using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Clients;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Storage;

namespace ActorConnect.Runtime.Tasks;

/// <summary>What the worker shares with every task it runs: settings, stores and the broker's features.</summary>
public sealed record TaskServices(
    string WorkerId,
    WorkerConfig Worker,
    RuntimeSettings Settings,
    IOffsetBackingStore OffsetStore,
    BrokerFeaturesCache Broker,
    PluginRegistry Plugins)
{
    /// <summary>
    /// The Kafka client keys of the worker and its tasks, translated to librdkafka (default: the worker's keys without
    /// placeholder resolution, for hosts and tests that build services by hand).
    /// </summary>
    public ClientConfigs Clients
    {
        get => _clients ??= new ClientConfigs(Worker, props => props, _ => { });
        init => _clients = value;
    }

    private ClientConfigs? _clients;

    /// <summary>The worker's <c>config.providers</c>, which resolve <c>${provider:path:key}</c> placeholders at task start.</summary>
    public Config.Providers.ConfigProviders Providers { get; init; } = Config.Providers.ConfigProviders.None;

    /// <summary>
    /// Where tasks get their Kafka clients (producer and consumer stages, the dead-letter queue's producer and topic):
    /// the brokers by default; tests give an in-memory Kafka.
    /// </summary>
    public ITaskKafkaClients Kafka { get; init; } = ConfluentTaskKafkaClients.Instance;

    /// <summary>
    /// The worker's metrics, in a Prometheus registry of its own: each services built (each worker) gets new ones, which
    /// its tasks record into and its <c>GET /metrics</c> exports, so no other worker in the process shares them.
    /// </summary>
    public ActorConnect.Runtime.Metrics.ConnectMetrics Metrics { get; init; } = new();

    /// <summary>
    /// The worker's check that it reaches Kafka (null: not checked, as in unit tests): a task's status and
    /// <c>GET /health</c> say when it does not.
    /// </summary>
    public KafkaConnectivity? Connectivity { get; init; }

    /// <summary>
    /// Told every connector's status whenever it changes (connector or any task), on the supervisor's thread: how a
    /// distributed worker writes statuses to its status topic. Must not block.
    /// </summary>
    public Action<Model.ConnectorStatus>? StatusListener { get; init; }

    /// <summary>
    /// The key or value converter for a connector: its own <c>key.converter</c> when set, else the worker's; settings
    /// from the worker's <c>key.converter.*</c> overridden by the connector's.
    /// </summary>
    public IConverter CreateConverter(IReadOnlyDictionary<string, string> connectorConfig, bool isKey) =>
        ConnectorConverters.Create(Worker.Originals, connectorConfig, isKey);

    /// <summary>
    /// A sink connector's consumer settings: group <c>connect-&lt;name&gt;</c> (or <c>consumer.override.group.id</c>),
    /// then the client keys <see cref="ClientConfigs"/> gives a task's consumer.
    /// </summary>
    public ConsumerSettings SinkConsumerSettings(string connector, IReadOnlyDictionary<string, string> connectorConfig, BrokerFeatures features)
    {
        const string prefix = "consumer.override.";
        var groupId = connectorConfig.GetValueOrDefault(prefix + "group.id") ?? $"connect-{connector}";
        return new ConsumerSettings(Worker.BootstrapServersValue, groupId)
            .WithBrokerFeatures(features)
            .WithProperties(Clients.Task(ActorConnect.Kafka.ClientKeys.ClientKind.Consumer, connectorConfig).Where(kv => kv.Key != "group.id"));
    }
}
