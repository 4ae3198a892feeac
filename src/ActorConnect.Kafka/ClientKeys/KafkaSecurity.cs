using System.Security.Cryptography.X509Certificates;
using ActorConnect.Api.Errors;
using ActorConnect.Security;

namespace ActorConnect.Kafka.ClientKeys;

/// <summary>Kafka's <c>security.protocol</c>.</summary>
public enum SecurityProtocol
{
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

/// <summary>
/// TLS towards the broker as ActorConnect's own probe needs it (librdkafka gets the same as PEM properties).
/// </summary>
/// <param name="Trusted">The CA certificates of the trust store; null: the system's.</param>
/// <param name="Client">This side's certificate for mutual TLS; null: none.</param>
/// <param name="CheckHostName">Whether the broker's certificate must name the host connected to (<c>ssl.endpoint.identification.algorithm=https</c>).</param>
/// <param name="Prefix">The prefix of the keys these came from (<c>producer.</c>, empty for the worker's), named in messages.</param>
/// <param name="TrustedFrom">Where the trusted CAs came from (<c>ssl.truststore.location=/path</c>), named in messages.</param>
public sealed record TlsOptions(X509Certificate2Collection? Trusted, Identity? Client, bool CheckHostName, string Prefix, string TrustedFrom);

/// <summary>
/// One client's security, translated from Kafka's Java keys (<c>security.protocol</c>, <c>ssl.*</c>, <c>sasl.*</c>) to
/// what librdkafka understands: Java key and trust stores become PEM text, <c>sasl.jaas.config</c> becomes librdkafka's
/// user name, password or OIDC settings. What this client's probe and log lines need is kept beside the properties.
/// </summary>
/// <param name="Protocol">The security protocol.</param>
/// <param name="Tls">TLS settings, when the protocol is SSL or SASL_SSL.</param>
/// <param name="SaslMechanism">The SASL mechanism, when the protocol is SASL_*.</param>
/// <param name="Properties">The librdkafka properties (secrets among them: never log them).</param>
/// <param name="Description">What this client uses, without secrets, for the worker's start log.</param>
public sealed record KafkaSecurity(
    SecurityProtocol Protocol, TlsOptions? Tls, string? SaslMechanism, IReadOnlyDictionary<string, string> Properties, string Description)
{
    /// <summary>No security: plain Kafka.</summary>
    public static KafkaSecurity Plaintext { get; } = new(SecurityProtocol.Plaintext, null, null, new Dictionary<string, string>(), "PLAINTEXT");

    /// <summary>True for <c>security.protocol</c>, <c>ssl.*</c> and <c>sasl.*</c> keys (prefix removed).</summary>
    public static bool IsSecurityKey(string key) =>
        key == "security.protocol" || key.StartsWith("ssl.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal);

    /// <summary>
    /// Translates the security keys of <paramref name="props"/> (prefix removed; other keys are ignored).
    /// </summary>
    /// <param name="props">The client's keys.</param>
    /// <param name="prefix">The prefix they had (<c>producer.</c>, <c>consumer.override.</c>, empty), named in messages.</param>
    /// <param name="unsupported">Told of each Java key left out, with the reason.</param>
    /// <exception cref="ConfigException">A store cannot be read, a password is wrong, a JAAS entry is malformed or
    /// names a module ActorConnect does not take, or a mechanism cannot work here; the message names the key to fix.</exception>
    public static KafkaSecurity Translate(IReadOnlyDictionary<string, string> props, string prefix, Action<string, string> unsupported)
    {
        var protocol = ParseProtocol(props.GetValueOrDefault("security.protocol"), prefix);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var description = new List<string> { "security.protocol=" + Name(protocol) };
        if (protocol != SecurityProtocol.Plaintext)
        {
            properties["security.protocol"] = Name(protocol).ToLowerInvariant();
        }

        TlsOptions? tls = null;
        if (protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl)
        {
            tls = TranslateTls(props, prefix, properties, description, unsupported);
        }

        string? mechanism = null;
        if (protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl)
        {
            mechanism = SaslTranslation.Apply(props, prefix, properties, description, unsupported);
        }

        // Keys of a layer this protocol does not use are ignored, as Java's clients ignore them; librdkafka's own
        // names (ssl.ca.location, sasl.username, ...) pass through for users who write those.
        foreach (var (key, value) in props)
        {
            if (IsSecurityKey(key) && !JavaSecurityKeys.Contains(key) && !properties.ContainsKey(key))
            {
                properties[key] = value;
            }
        }

        return new KafkaSecurity(protocol, tls, mechanism, properties, string.Join(", ", description));
    }

    /// <summary>The Java security keys this translation reads.</summary>
    public static IReadOnlyCollection<string> JavaKeys => JavaSecurityKeys;

    /// <summary>The Java security keys this translation reads (never passed to librdkafka under their own names).</summary>
    private static readonly HashSet<string> JavaSecurityKeys = new(StringComparer.Ordinal)
    {
        "security.protocol", "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type", "ssl.truststore.certificates",
        "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type", "ssl.key.password", "ssl.keystore.certificate.chain",
        "ssl.keystore.key", "ssl.endpoint.identification.algorithm", "ssl.enabled.protocols", "ssl.protocol", "ssl.cipher.suites",
        "ssl.keymanager.algorithm", "ssl.trustmanager.algorithm", "ssl.secure.random.implementation", "ssl.provider",
        "ssl.engine.factory.class", "sasl.mechanism", "sasl.jaas.config", "sasl.login.callback.handler.class",
        "sasl.client.callback.handler.class", "sasl.login.class", "sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.scope.claim.name",
        "sasl.oauthbearer.sub.claim.name", "sasl.login.refresh.window.factor", "sasl.login.refresh.window.jitter",
        "sasl.login.refresh.min.period.seconds", "sasl.login.refresh.buffer.seconds", "sasl.login.connect.timeout.ms",
        "sasl.login.read.timeout.ms", "sasl.login.retry.backoff.ms", "sasl.login.retry.backoff.max.ms", "sasl.kerberos.service.name",
        "sasl.kerberos.kinit.cmd", "sasl.kerberos.ticket.renew.window.factor", "sasl.kerberos.ticket.renew.jitter",
        "sasl.kerberos.min.time.before.relogin", "sasl.oauthbearer.jwks.endpoint.url", "sasl.oauthbearer.expected.audience",
        "sasl.oauthbearer.expected.issuer", "sasl.oauthbearer.clock.skew.seconds",
    };

    private static SecurityProtocol ParseProtocol(string? value, string prefix) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "PLAINTEXT" => SecurityProtocol.Plaintext,
        "SSL" => SecurityProtocol.Ssl,
        "SASL_PLAINTEXT" => SecurityProtocol.SaslPlaintext,
        "SASL_SSL" => SecurityProtocol.SaslSsl,
        _ => throw new ConfigException(prefix + "security.protocol", value, "use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
    };

    private static string Name(SecurityProtocol protocol) => protocol switch
    {
        SecurityProtocol.Ssl => "SSL",
        SecurityProtocol.SaslPlaintext => "SASL_PLAINTEXT",
        SecurityProtocol.SaslSsl => "SASL_SSL",
        _ => "PLAINTEXT",
    };

    private static TlsOptions TranslateTls(IReadOnlyDictionary<string, string> props, string prefix, Dictionary<string, string> properties,
        List<string> description, Action<string, string> unsupported)
    {
        var keyPrefix = prefix + "ssl.";
        X509Certificate2Collection? trusted = null;
        var trustedFrom = "the system's CA certificates (no ssl.truststore.location)";
        if (SslStoreKeys.TrustStore(props, "ssl.") is { } trustSpec)
        {
            var named = trustSpec with { Prefix = keyPrefix };
            trusted = KeyStores.LoadTrusted(named);
            properties["ssl.ca.pem"] = KeyStores.ToPem(trusted);
            trustedFrom = named.Location is { } location ? $"{named.LocationKey}={location}" : named.CertificatesKey;
            description.Add($"trusts {trusted.Count} CA certificate(s) from {trustedFrom}");
        }
        else
        {
            description.Add("trusts the system's CA certificates");
        }

        Identity? client = null;
        if (SslStoreKeys.KeyStore(props, "ssl.") is { } keySpec)
        {
            var named = keySpec with { Prefix = keyPrefix };
            client = KeyStores.LoadIdentity(named);
            properties["ssl.certificate.pem"] = client.CertificatePem();
            properties["ssl.key.pem"] = client.PrivateKeyPem();
            description.Add($"client certificate {client.Certificate.Subject} from {(named.Location is { } l ? named.LocationKey + "=" + l : named.CertificateChainKey)}");
        }

        var endpoint = props.GetValueOrDefault("ssl.endpoint.identification.algorithm", "https").Trim();
        var checkHost = endpoint.Length > 0;
        if (checkHost && !endpoint.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigException(prefix + "ssl.endpoint.identification.algorithm", endpoint,
                "use https (the broker's certificate must name the host connected to) or leave it empty (not checked)");
        }

        properties["ssl.endpoint.identification.algorithm"] = checkHost ? "https" : "none";
        description.Add(checkHost ? "host name checked" : "host name NOT checked (ssl.endpoint.identification.algorithm is empty)");

        if (props.GetValueOrDefault("ssl.cipher.suites") is { Length: > 0 } suites)
        {
            properties["ssl.cipher.suites"] = CipherSuites.ToOpenSsl(suites, prefix + "ssl.cipher.suites", unsupported);
        }

        foreach (var key in new[] { "ssl.enabled.protocols", "ssl.protocol" })
        {
            if (props.ContainsKey(key))
            {
                unsupported(prefix + key, "librdkafka negotiates TLS 1.2 or 1.3 with OpenSSL's defaults and has no setting for the versions");
            }
        }

        foreach (var key in new[] { "ssl.keymanager.algorithm", "ssl.trustmanager.algorithm", "ssl.secure.random.implementation", "ssl.provider", "ssl.engine.factory.class" })
        {
            if (props.ContainsKey(key))
            {
                unsupported(prefix + key, "it names a Java security provider; librdkafka uses OpenSSL");
            }
        }

        return new TlsOptions(trusted, client, checkHost, prefix, trustedFrom);
    }
}
