using ActorConnect.Api.Config;

namespace ActorConnect.Runtime.Config;

/// <summary>
/// Which Kafka client settings a connector may override with its <c>producer.override.*</c>,
/// <c>consumer.override.*</c> and <c>admin.override.*</c> keys (KIP-458): the worker key
/// <c>connector.client.config.override.policy</c>, with Kafka Connect's three built-in policies. <c>None</c> allows no
/// override, <c>Principal</c> only the keys that choose who the client is (<c>sasl.jaas.config</c>,
/// <c>sasl.mechanism</c>, <c>security.protocol</c>), <c>All</c> (the default, as in Kafka Connect since 3.0) any key.
/// </summary>
public sealed class ClientConfigOverridePolicy
{
    /// <summary>The worker key.</summary>
    public const string Key = "connector.client.config.override.policy";

    /// <summary>Kafka Connect's package of the policy classes, whose full names are accepted too.</summary>
    private const string JavaPackage = "org.apache.kafka.connect.connector.policy.";

    private const string JavaSuffix = "ConnectorClientConfigOverridePolicy";

    // Kafka's PrincipalConnectorClientConfigOverridePolicy.ALLOWED_CONFIG.
    private static readonly HashSet<string> PrincipalKeys = new(StringComparer.Ordinal) { "sasl.jaas.config", "sasl.mechanism", "security.protocol" };

    private readonly Func<string, bool> _allows;

    private ClientConfigOverridePolicy(string name, Func<string, bool> allows)
    {
        Name = name;
        _allows = allows;
    }

    /// <summary>No client setting may be overridden.</summary>
    public static ClientConfigOverridePolicy None { get; } = new("None", _ => false);

    /// <summary>Only the client's principal: <c>sasl.jaas.config</c>, <c>sasl.mechanism</c> and <c>security.protocol</c>.</summary>
    public static ClientConfigOverridePolicy Principal { get; } = new("Principal", PrincipalKeys.Contains);

    /// <summary>Any client setting may be overridden.</summary>
    public static ClientConfigOverridePolicy All { get; } = new("All", _ => true);

    /// <summary>The policy of a worker that does not set <see cref="Key"/> (Kafka Connect's default since 3.0).</summary>
    public static ClientConfigOverridePolicy Default => All;

    private static IReadOnlyList<ClientConfigOverridePolicy> Policies { get; } = [None, Principal, All];

    /// <summary>The policy's alias: None, Principal or All.</summary>
    public string Name { get; }

    /// <summary>What the worker key accepts, for messages and docs.</summary>
    public static string AcceptedValues =>
        $"None, Principal or All (or Kafka Connect's class names {JavaPackage}None{JavaSuffix}, ...Principal{JavaSuffix}, ...All{JavaSuffix})";

    /// <summary>
    /// The policy <paramref name="value"/> names: its alias, or Kafka Connect's class name, full or simple, as worker
    /// files written for Kafka Connect give it. Case is ignored. Null for anything else.
    /// </summary>
    public static ClientConfigOverridePolicy? TryParse(string? value)
    {
        var name = value?.Trim() ?? string.Empty;
        if (name.StartsWith(JavaPackage, StringComparison.Ordinal))
        {
            name = name[JavaPackage.Length..];
        }

        if (name.EndsWith(JavaSuffix, StringComparison.Ordinal))
        {
            name = name[..^JavaSuffix.Length];
        }

        return Policies.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True when this policy lets a connector set <paramref name="clientKey"/> (the key after its <c>*.override.</c> prefix).</summary>
    public bool Allows(string clientKey) => _allows(clientKey);

    /// <summary>
    /// Kafka Connect's check (AbstractHerder.validateClientOverrides): one value per override key of each client the
    /// connector uses by Kafka Connect's rules (a source's producer, and its admin client when it has
    /// <c>topic.creation.*</c> keys; a sink's consumer, and with a dead letter queue its producer and admin client),
    /// each refused key with Kafka Connect's error, the full key and the fix. Keys for a client the connector does not
    /// use are not checked, as in Kafka Connect: no client reads them.
    /// </summary>
    public IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> config, bool isSource)
    {
        var hasDlq = !isSource && config.TryGetValue(ConnectorConfig.DlqTopicName, out var dlq) && !string.IsNullOrWhiteSpace(dlq);
        var prefixes = new List<string>();
        if (isSource || hasDlq)
        {
            prefixes.Add("producer.override.");
        }

        if (hasDlq || (isSource && config.Keys.Any(k => k.StartsWith("topic.creation.", StringComparison.Ordinal))))
        {
            prefixes.Add("admin.override.");
        }

        if (!isSource)
        {
            prefixes.Add("consumer.override.");
        }

        return prefixes
            .SelectMany(prefix => config.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.Length > prefix.Length)
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new ConfigValue(kv.Key, kv.Value, Array.Empty<object>(),
                    Allows(kv.Key[prefix.Length..])
                        ? Array.Empty<string>()
                        : [$"The '{Name}' policy does not allow '{kv.Key[prefix.Length..]}' to be overridden in the connector configuration: " +
                           $"remove {kv.Key}, or allow it with the worker's {Key}"])))
            .ToList();
    }

    public override string ToString() => Name;
}
