namespace ActorConnect.Security;

/// <summary>
/// A trust store as Kafka Connect's Java keys describe it: a file (<c>ssl.truststore.location</c>, <c>.password</c>,
/// <c>.type</c>) or PEM text inline (<c>ssl.truststore.certificates</c>, KIP-651).
/// </summary>
/// <remarks>Prefix is what the keys start with, up to and including <c>ssl.</c> (for example <c>ssl.</c>,
/// <c>producer.ssl.</c>, <c>listeners.https.ssl.</c>, <c>cluster.ssl.</c>): messages name the exact key to fix.</remarks>
public sealed record TrustStoreSpec(string Prefix, string? Location, string? Password, string? Type, string? Certificates)
{
    public string LocationKey => Prefix + "truststore.location";

    public string PasswordKey => Prefix + "truststore.password";

    public string TypeKey => Prefix + "truststore.type";

    public string CertificatesKey => Prefix + "truststore.certificates";
}

/// <summary>
/// A key store (this side's certificate and private key) as Kafka Connect's Java keys describe it: a file
/// (<c>ssl.keystore.location</c>, <c>.password</c>, <c>.type</c>, <c>ssl.key.password</c>) or PEM text inline
/// (<c>ssl.keystore.certificate.chain</c> and <c>ssl.keystore.key</c>, KIP-651).
/// </summary>
public sealed record KeyStoreSpec(
    string Prefix, string? Location, string? Password, string? Type, string? KeyPassword, string? CertificateChain, string? Key)
{
    public string LocationKey => Prefix + "keystore.location";

    public string PasswordKey => Prefix + "keystore.password";

    public string TypeKey => Prefix + "keystore.type";

    public string KeyPasswordKey => Prefix + "key.password";

    public string CertificateChainKey => Prefix + "keystore.certificate.chain";

    public string KeyKey => Prefix + "keystore.key";
}

/// <summary>Reads the store keys under one prefix from a property map.</summary>
public static class SslStoreKeys
{
    /// <summary>
    /// The trust store under <paramref name="prefix"/> (for example <c>ssl.</c>), or null when none of its keys is set
    /// (then the system's CA certificates are trusted, as Java trusts its cacerts).
    /// </summary>
    public static TrustStoreSpec? TrustStore(IReadOnlyDictionary<string, string> props, string prefix)
    {
        var spec = new TrustStoreSpec(prefix, Get(props, prefix + "truststore.location"), Get(props, prefix + "truststore.password"),
            Get(props, prefix + "truststore.type"), Get(props, prefix + "truststore.certificates"));
        return spec.Location is null && spec.Certificates is null ? null : spec;
    }

    /// <summary>The key store under <paramref name="prefix"/>, or null when neither a file nor inline PEM is given.</summary>
    public static KeyStoreSpec? KeyStore(IReadOnlyDictionary<string, string> props, string prefix)
    {
        var spec = new KeyStoreSpec(prefix, Get(props, prefix + "keystore.location"), Get(props, prefix + "keystore.password"),
            Get(props, prefix + "keystore.type"), Get(props, prefix + "key.password"),
            Get(props, prefix + "keystore.certificate.chain"), Get(props, prefix + "keystore.key"));
        return spec.Location is null && spec.CertificateChain is null && spec.Key is null ? null : spec;
    }

    /// <summary>
    /// A value, with an empty or blank one read as not set (worker files often leave keys empty). Trimmed as Kafka's
    /// ConfigDef trims STRING values, except passwords, which Kafka keeps as written.
    /// </summary>
    private static string? Get(IReadOnlyDictionary<string, string> props, string key) =>
        !props.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value) ? null
        : key.EndsWith("password", StringComparison.Ordinal) ? value
        : value.Trim();
}
