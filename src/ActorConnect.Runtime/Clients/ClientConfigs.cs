using ActorConnect.Kafka.ClientKeys;
using ActorConnect.Runtime.Config;
using Akka.Event;

namespace ActorConnect.Runtime.Clients;

/// <summary>
/// Which Kafka client gets which keys, by Kafka Connect's rules, and their translation to librdkafka: the worker's own
/// clients (internal topics, dead letter topic creation, the broker probe) take the worker's top-level client keys;
/// a task's producer, consumer and admin client take the worker's <c>producer.</c>, <c>consumer.</c> and <c>admin.</c>
/// keys, then the connector's <c>producer.override.</c>, <c>consumer.override.</c> and <c>admin.override.</c> keys.
/// </summary>
/// <remarks>
/// Beyond Kafka Connect: a task client inherits the worker's security keys (<c>security.protocol</c>, <c>ssl.*</c>,
/// <c>sasl.*</c>) unless its own prefix sets any security key. Kafka Connect users forget to repeat them under
/// <c>producer.</c> and <c>consumer.</c> more than anything else, and get tasks that cannot reach a broker the worker
/// itself reaches. The worker-level translations are made once, at start, so a bad key or store stops the worker
/// before it serves anything.
/// </remarks>
public sealed class ClientConfigs
{
    private static readonly Dictionary<ClientKind, string> Prefixes = new()
    {
        [ClientKind.Producer] = WorkerConfig.ProducerPrefix,
        [ClientKind.Consumer] = WorkerConfig.ConsumerPrefix,
        [ClientKind.Admin] = "admin.",
    };

    private readonly Dictionary<string, string> _workerKeys;
    private readonly Dictionary<ClientKind, TranslatedClient> _worker = new();
    private readonly Dictionary<ClientKind, TranslatedClient> _tasks = new();
    private readonly Dictionary<ClientKind, bool> _inherits = new();
    private readonly IReadOnlyDictionary<string, string> _originals;
    private readonly Action<string> _warn;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>Translates the worker's own client keys and its task-client keys (without any connector's overrides).</summary>
    /// <param name="worker">The worker's configuration.</param>
    /// <param name="resolve">Resolves config provider placeholders (<c>${file:...}</c>) in the worker's client keys.</param>
    /// <param name="warn">Told once of each Java key that has no librdkafka equivalent.</param>
    /// <exception cref="Api.Errors.ConfigException">A client key or store is wrong; the message names the key.</exception>
    public ClientConfigs(WorkerConfig worker, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>> resolve, Action<string> warn)
    {
        _warn = warn;
        _originals = resolve(worker.Originals.Where(kv => IsClientKey(kv.Key) || Prefixes.Values.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => kv.Value));
        _workerKeys = _originals.Where(kv => IsClientKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var kind in Enum.GetValues<ClientKind>())
        {
            _inherits[kind] = !Strip(_originals, Prefixes[kind]).Keys.Any(KafkaSecurity.IsSecurityKey);
            _worker[kind] = ClientTranslation.Translate(_workerKeys, kind, string.Empty, Unsupported);
            _tasks[kind] = ForConnector(kind, new Dictionary<string, string>());
        }
    }

    /// <summary>
    /// The worker's client configs, with placeholders resolved by its config providers; logs which security each kind
    /// of client uses, and warns once of each Java key without a librdkafka equivalent.
    /// </summary>
    public static ClientConfigs Create(WorkerConfig worker, Config.Providers.ConfigProviders providers, ILoggingAdapter log)
    {
        var clients = new ClientConfigs(worker, providers.Resolve, line => log.Warning("{0}", line));
        foreach (var line in clients.Describe())
        {
            log.Info("{0}", line);
        }

        return clients;
    }

    /// <summary>The security of the worker's own clients, which its broker probe and reachability check speak.</summary>
    /// <remarks>
    /// When the worker sets no security key of its own but its task clients do (standalone files often set only
    /// <c>producer.</c> and <c>consumer.</c> keys), the task producer's: the probe must speak what the listener speaks.
    /// </remarks>
    public KafkaSecurity ProbeSecurity =>
        _workerKeys.Keys.Any(KafkaSecurity.IsSecurityKey) ? _worker[ClientKind.Admin].Security : _tasks[ClientKind.Producer].Security;

    /// <summary>The librdkafka properties of the worker's own clients of <paramref name="kind"/>.</summary>
    public IReadOnlyDictionary<string, string> Worker(ClientKind kind) => _worker[kind].Properties;

    /// <summary>The librdkafka properties of a task's client of <paramref name="kind"/> for a connector (its resolved config).</summary>
    /// <exception cref="Api.Errors.ConfigException">A key is wrong; the message names it as the user wrote it.</exception>
    public IReadOnlyDictionary<string, string> Task(ClientKind kind, IReadOnlyDictionary<string, string> connectorConfig) =>
        ForConnector(kind, connectorConfig).Properties;

    /// <summary>One line per kind of client saying which security it uses, never a secret: for the worker's start log.</summary>
    public IEnumerable<string> Describe()
    {
        if (!_originals.Keys.Any(k => KafkaSecurity.IsSecurityKey(Prefixes.Values.Aggregate(k, (key, prefix) => key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key))))
        {
            // Nothing secured anywhere: one line, not four saying the same.
            yield return "Kafka clients (the worker's own and its tasks'): security.protocol=PLAINTEXT, no security.protocol, ssl.* or sasl.* key is set";
            yield break;
        }

        yield return $"Kafka clients of the worker itself (internal topics, dead letter topic creation, broker probe): {_worker[ClientKind.Admin].Security.Description}";
        foreach (var kind in new[] { ClientKind.Producer, ClientKind.Consumer, ClientKind.Admin })
        {
            var source = _inherits[kind]
                ? $"the worker's own security keys (no {Prefixes[kind]}security.protocol, {Prefixes[kind]}ssl.* or {Prefixes[kind]}sasl.* key is set)"
                : $"the {Prefixes[kind]}* keys";
            yield return $"Kafka clients of tasks, {kind.ToString().ToLowerInvariant()}s: {_tasks[kind].Security.Description}, from {source}; " +
                         $"a connector's {Prefixes[kind]}override.* keys apply on top";
        }
    }

    private TranslatedClient ForConnector(ClientKind kind, IReadOnlyDictionary<string, string> connectorConfig)
    {
        var prefix = Prefixes[kind];
        var own = Strip(_originals, prefix);
        var overridePrefix = prefix + "override.";
        var overrides = Strip(connectorConfig, overridePrefix);
        var layers = new List<KeyLayer>();
        if (_inherits[kind])
        {
            layers.Add(new KeyLayer(string.Empty, _workerKeys.Where(kv => KafkaSecurity.IsSecurityKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value)));
        }

        layers.Add(new KeyLayer(prefix, own));
        layers.Add(new KeyLayer(overridePrefix, overrides));
        return ClientTranslation.Translate(layers, kind, Unsupported);
    }

    private static Dictionary<string, string> Strip(IReadOnlyDictionary<string, string> props, string prefix) =>
        props.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.Length > prefix.Length)
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    /// <summary>Worker-level keys that are meant for Kafka clients (others, such as key.converter or group.id, are the worker's).</summary>
    private static bool IsClientKey(string key) => KafkaSecurity.IsSecurityKey(key) || JavaClientKeys.IsJavaClientKey(key);

    private void Unsupported(string key, string why)
    {
        lock (_warned)
        {
            if (!_warned.Add(key))
            {
                return;
            }
        }

        _warn($"{key} is ignored: it has no librdkafka equivalent ({why})");
    }
}
