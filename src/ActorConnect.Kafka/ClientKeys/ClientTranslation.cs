namespace ActorConnect.Kafka.ClientKeys;

/// <summary>One layer of client keys: the prefix they had, and the keys with it removed.</summary>
public sealed record KeyLayer(string Prefix, IReadOnlyDictionary<string, string> Keys);

/// <summary>A client's librdkafka properties, and its security (for the probe and the start log).</summary>
public sealed record TranslatedClient(IReadOnlyDictionary<string, string> Properties, KafkaSecurity Security);

/// <summary>
/// Translates one client's keys as Kafka Connect users write them (Java client names, security keys, stores, JAAS) to
/// librdkafka's: the one place where a Java key becomes a librdkafka key.
/// </summary>
public static class ClientTranslation
{
    /// <summary>Translates <paramref name="props"/> (prefix removed) for a client of <paramref name="kind"/>.</summary>
    /// <param name="props">The client's keys.</param>
    /// <param name="kind">Which client.</param>
    /// <param name="prefix">The prefix the keys had (<c>producer.</c>, <c>consumer.override.</c>, empty), named in messages.</param>
    /// <param name="unsupported">Told of each Java key that has no librdkafka equivalent (key, why); it is left out.</param>
    /// <exception cref="Api.Errors.ConfigException">A value is wrong; the message names the key as the user wrote it.</exception>
    public static TranslatedClient Translate(IReadOnlyDictionary<string, string> props, ClientKind kind, string prefix, Action<string, string> unsupported) =>
        Translate([new KeyLayer(prefix, props)], kind, unsupported);

    /// <summary>
    /// Translates keys given in layers (for example the worker's <c>producer.</c> keys, then a connector's
    /// <c>producer.override.</c> keys), a later layer's key winning. Each key is named in messages with its own layer's
    /// prefix; the security keys, read together, are named with the prefix of the last layer that sets any of them.
    /// </summary>
    /// <param name="layers">The layers, prefixes removed from their keys, first to last.</param>
    /// <param name="kind">Which client.</param>
    /// <param name="unsupported">Told of each Java key that has no librdkafka equivalent (key, why); it is left out.</param>
    public static TranslatedClient Translate(IReadOnlyList<KeyLayer> layers, ClientKind kind, Action<string, string> unsupported)
    {
        var securityKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var securityPrefix = layers.Count > 0 ? layers[^1].Prefix : string.Empty;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var own = layer.Keys.Where(kv => KafkaSecurity.IsSecurityKey(kv.Key)).ToList();
            if (own.Count > 0)
            {
                securityPrefix = layer.Prefix;
            }

            foreach (var (key, value) in own)
            {
                securityKeys[key] = value;
            }

            var others = layer.Keys.Where(kv => !KafkaSecurity.IsSecurityKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var (key, value) in JavaClientKeys.Translate(others, kind, layer.Prefix, unsupported))
            {
                properties[key] = value;
            }
        }

        var security = KafkaSecurity.Translate(securityKeys, securityPrefix, unsupported);
        foreach (var (key, value) in security.Properties)
        {
            properties[key] = value;
        }

        return new TranslatedClient(properties, security);
    }
}
