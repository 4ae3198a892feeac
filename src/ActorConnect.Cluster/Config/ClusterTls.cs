using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ActorConnect.Api.Errors;
using ActorConnect.Security;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorConnect.Cluster.Config;

/// <summary>
/// Mutual TLS between the nodes of a cluster (<c>cluster.ssl.*</c>): this node's certificate and key, and the CA every
/// peer's certificate must chain to. Both sides of every remoting connection present a certificate and check the
/// other's against that CA alone, never the system's CAs: a certificate from any other CA, however public, cannot join.
/// </summary>
/// <remarks>
/// What is checked: the peer's certificate chains to a certificate of <c>cluster.ssl.truststore.location</c> and it
/// (and every certificate of its chain) is within its validity dates. What is not: the host name (nodes are addressed by
/// IP, and the cluster's CA is private to the cluster, so holding one of its certificates is the membership proof) and
/// revocation (a private CA publishes no revocation list; replace the CA to expel a node).
/// </remarks>
public sealed class ClusterTls
{
    /// <summary>What every cluster TLS key starts with.</summary>
    public const string Prefix = "cluster.ssl.";

    private readonly X509Certificate2Collection _trusted;
    private readonly string _trustedFrom;

    private ClusterTls(Identity identity, X509Certificate2Collection trusted, string trustedFrom)
    {
        Identity = identity;
        _trusted = trusted;
        _trustedFrom = trustedFrom;
    }

    /// <summary>This node's certificate (with its key) and chain.</summary>
    public Identity Identity { get; }

    /// <summary>
    /// The cluster TLS of worker properties: null when no <c>cluster.ssl.</c> store is set (remoting in plain TCP);
    /// throws a <see cref="ConfigException"/> naming the key when one store is set without the other or cannot be read.
    /// </summary>
    public static ClusterTls? FromProperties(IReadOnlyDictionary<string, string> props)
    {
        var keyStore = SslStoreKeys.KeyStore(props, Prefix);
        var trustStore = SslStoreKeys.TrustStore(props, Prefix);
        if (keyStore is null && trustStore is null)
        {
            return null;
        }

        // Half a setting would either leave the door open (no key store: plain TCP) or trust nobody, or worse the
        // system's CAs (no trust store), which any certificate bought anywhere chains to.
        if (keyStore is null)
        {
            throw new ConfigException($"{trustStore!.LocationKey} is set but {Prefix}keystore.location is not: cluster TLS needs both, " +
                                      $"this node's certificate and key in {Prefix}keystore.location and the cluster's CA in {trustStore.LocationKey}");
        }

        if (trustStore is null)
        {
            throw new ConfigException($"{keyStore.LocationKey} is set but {Prefix}truststore.location is not: set it to the CA that signed " +
                                      "every node's certificate (the system's CAs are never trusted for the cluster)");
        }

        return new ClusterTls(KeyStores.LoadIdentity(keyStore), KeyStores.LoadTrusted(trustStore),
            trustStore.Location is null ? trustStore.CertificatesKey : $"{trustStore.LocationKey} ({trustStore.Location})");
    }

    /// <summary>
    /// The Akka setup that makes remoting speak mutual TLS with this node's certificate, each peer checked by
    /// <see cref="Refusal"/>; it goes with <c>akka.remote.dot-netty.tcp.enable-ssl = on</c> (<see cref="ClusterSettings.NodeConfig"/>).
    /// </summary>
    public DotNettySslSetup Setup() =>
        new(Identity.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, customValidator: Validate);

    /// <summary>Why a peer's certificate is refused, or null when it is accepted.</summary>
    /// <param name="certificate">The peer's certificate, null when it presented none.</param>
    /// <param name="presented">The chain the TLS stack built for it, whose intermediates the peer sent.</param>
    public string? Refusal(X509Certificate2? certificate, X509Chain? presented)
    {
        if (certificate is null)
        {
            return $"it presented no certificate; every node needs {Prefix}keystore.location and {Prefix}truststore.location";
        }

        var verdict = PeerCertificates.Check(certificate, _trusted, presented);
        var subject = "its certificate " + verdict.Description;
        return verdict.Problem switch
        {
            CertificateProblem.None => null,
            CertificateProblem.Untrusted => $"its certificate {verdict.Subject} is not signed by the CA in {_trustedFrom}; give every node a certificate signed by the cluster's CA",
            CertificateProblem.Expired => $"{subject}; renew it",
            _ => subject,
        };
    }

    /// <summary>
    /// Akka calls this on both sides of a connection: with the peer's IP endpoint on the accepting side and with the
    /// Akka address dialled on the connecting side. Each refusal is logged here, once, with the reason; the TLS stack
    /// then ends the handshake and Akka logs the failed association.
    /// </summary>
    private bool Validate(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        var refusal = Refusal(certificate, chain);
        if (refusal is null)
        {
            return true;
        }

        if (remotePeer.Contains("://", StringComparison.Ordinal))
        {
            log.Warning("Refused to connect to cluster node {0}: {1}", DisplayPeer(remotePeer), refusal);
        }
        else
        {
            log.Warning("Refused a cluster connection from {0}: {1}", DisplayPeer(remotePeer), refusal);
        }

        return false;
    }

    /// <summary><c>127.0.0.1:2552</c> for both an Akka address and an IPv4-mapped IPv6 endpoint (<c>[::ffff:127.0.0.1]:41234</c>).</summary>
    private static string DisplayPeer(string remotePeer)
    {
        if (remotePeer.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                var address = Akka.Actor.Address.Parse(remotePeer);
                return $"{address.Host}:{address.Port}";
            }
            catch (UriFormatException)
            {
                return remotePeer;
            }
        }

        return IPEndPoint.TryParse(remotePeer, out var endpoint)
            ? new IPEndPoint(endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address, endpoint.Port).ToString()
            : remotePeer;
    }
}
