using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorConnect.Api.Errors;
using ActorConnect.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ActorConnect.Rest.Hosting;

/// <summary>Kafka Connect's <c>listeners.https.ssl.client.auth</c>: whether https clients must show a certificate.</summary>
public enum RestClientAuth
{
    /// <summary>No client certificate is asked for (the default).</summary>
    None,

    /// <summary>A certificate is asked for; a client without one is let in, one with an untrusted one is not.</summary>
    Requested,

    /// <summary>Mutual TLS: a client without a certificate that chains to the trust store is refused.</summary>
    Required,
}

/// <summary>
/// What the https listeners serve: this worker's certificate and key, and, for mutual TLS, the CAs client certificates
/// must chain to. Read from Kafka Connect's keys: <c>listeners.https.ssl.*</c> when any <c>listeners.https.</c> key is
/// set, otherwise the worker's own <c>ssl.*</c> keys (the same rule as Kafka Connect's RestServerConfig).
/// </summary>
public sealed record RestHttps(Identity Identity, RestClientAuth ClientAuth, X509Certificate2Collection? Trusted, string Prefix)
{
    public const string ListenerPrefix = "listeners.https.";

    /// <summary>Where the keystore came from, for the start log: the key, never a password.</summary>
    public string KeyStoreKey => Prefix + "keystore.location";

    /// <summary>
    /// The https settings when a listener is https, else null. Loads the stores now, so a wrong path or password stops
    /// the start with a <see cref="ConfigException"/> naming the key.
    /// </summary>
    public static RestHttps? FromWorkerProperties(IReadOnlyDictionary<string, string> props, IReadOnlyList<RestListener> listeners)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(listeners);
        if (!listeners.Any(l => l.IsHttps))
        {
            return null;
        }

        var prefixed = props.Keys.Any(k => k.StartsWith(ListenerPrefix, StringComparison.Ordinal));
        var prefix = prefixed ? ListenerPrefix + "ssl." : "ssl.";
        var why = prefixed
            ? $" (a {ListenerPrefix}* key is set, so, as in Kafka Connect, only {ListenerPrefix}ssl.* keys are read for https listeners, not the worker's ssl.* keys)"
            : $" (or {ListenerPrefix}ssl.keystore.location, which takes precedence)";
        var keyStore = SslStoreKeys.KeyStore(props, prefix)
            ?? throw new ConfigException($"{prefix}keystore.location is missing: the https listener in '{RestListener.ListenersKey}' needs this worker's " +
                                         $"certificate and private key. Set {prefix}keystore.location, {prefix}keystore.password and " +
                                         $"{prefix}keystore.type (PKCS12, JKS or PEM){why}");
        var identity = KeyStores.LoadIdentity(keyStore);
        var clientAuthKey = prefix + "client.auth";
        var clientAuth = props.GetValueOrDefault(clientAuthKey)?.Trim().ToLowerInvariant() switch
        {
            null or "" or "none" => RestClientAuth.None,
            "requested" => RestClientAuth.Requested,
            "required" => RestClientAuth.Required,
            var other => throw new ConfigException(clientAuthKey, other, "use none, requested or required"),
        };
        X509Certificate2Collection? trusted = null;
        if (clientAuth != RestClientAuth.None)
        {
            var trustStore = SslStoreKeys.TrustStore(props, prefix)
                ?? throw new ConfigException($"{prefix}truststore.location is missing: {clientAuthKey}={clientAuth.ToString().ToLowerInvariant()} " +
                                             "checks client certificates against it. Set it (and its .password and .type) to the CA that signs " +
                                             $"your clients' certificates, or set {clientAuthKey}=none{(prefixed ? why : string.Empty)}");
            trusted = KeyStores.LoadTrusted(trustStore);
        }

        return new RestHttps(identity, clientAuth, trusted, prefix);
    }

    /// <summary>Kestrel's https options for one listener; refused client certificates are logged to <paramref name="log"/> with the reason.</summary>
    internal HttpsConnectionAdapterOptions KestrelOptions(Func<ILogger> log) => new()
    {
        ServerCertificate = Identity.Certificate,
        ServerCertificateChain = Identity.Chain,
        ClientCertificateMode = ClientAuth switch
        {
            RestClientAuth.Required => Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate,
            RestClientAuth.Requested => Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate,
            _ => Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate,
        },
        ClientCertificateValidation = (certificate, presented, _) => Accepts(certificate, presented, log()),
    };

    /// <summary>
    /// Whether a client certificate chains to the trust store. Only the trust store counts, as with Java's trust
    /// manager: the system's CAs are not asked, so a certificate any public CA signed is not enough.
    /// </summary>
    private bool Accepts(X509Certificate2 certificate, X509Chain? presented, ILogger log)
    {
        var verdict = PeerCertificates.Check(certificate, Trusted!, presented, PeerCertificates.ClientAuth);
        if (verdict.Accepted)
        {
            return true;
        }

        log.LogWarning("Refused an https client's certificate {Certificate}. It must chain to a CA in {TrustStore}",
            verdict.Description, Prefix + "truststore.location");
        return false;
    }
}
