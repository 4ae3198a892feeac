using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ActorConnect.Security;

namespace ActorConnect.Kafka.ClientKeys;

/// <summary>
/// Opens TLS to a broker as librdkafka would with the same settings (trusted CAs, client certificate, host name check),
/// and explains a failure in Kafka Connect's terms: which certificate, what is wrong with it, and which key to fix.
/// librdkafka's own messages name its keys (<c>ssl.ca.location</c>), which a user of the Java keys never wrote.
/// </summary>
public static class BrokerTls
{
    /// <summary>Authenticates <paramref name="transport"/> as a TLS client of <paramref name="host"/>.</summary>
    /// <exception cref="IOException">The handshake failed; the message says why and what to change.</exception>
    public static async Task<SslStream> OpenAsync(Stream transport, string host, TlsOptions tls, CancellationToken ct)
    {
        string? problem = null;
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                problem = certificate is null ? "the broker presented no certificate" : Check(new X509Certificate2(certificate), host, tls, errors);
                return problem is null;
            },
        };
        if (tls.Client is { } client)
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(client.Certificate, client.Chain, offline: true);
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(options, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new IOException("TLS handshake failed: " + (problem ?? Refused(e, tls)), e);
        }
    }

    /// <summary>Why the broker's certificate is not accepted, or null when it is.</summary>
    internal static string? Check(X509Certificate2 certificate, string host, TlsOptions tls, SslPolicyErrors errors)
    {
        var verdict = PeerCertificates.Check(certificate, tls.Trusted, usage: PeerCertificates.ServerAuth);
        var subject = "the broker's certificate " + verdict.Description;
        switch (verdict.Problem)
        {
            case CertificateProblem.Expired:
                return $"{subject}; the broker needs a renewed certificate (nothing to change on this side)";
            case CertificateProblem.Untrusted:
                return $"{subject}: this client trusts {tls.TrustedFrom}; set {tls.Prefix}ssl.truststore.location " +
                       "(or ssl.truststore.certificates) to a store holding the CA that signed the broker's certificate";
            case CertificateProblem.Invalid:
                return $"{subject}; the broker needs a certificate meant for a TLS server";
        }

        if (tls.CheckHostName && !certificate.MatchesHostname(host))
        {
            return $"{subject} does not name the host '{host}' this client connected to (ssl.endpoint.identification.algorithm=https checks it); " +
                   $"connect with a name the certificate holds (bootstrap.servers and the broker's advertised.listeners), or set " +
                   $"{tls.Prefix}ssl.endpoint.identification.algorithm= (empty) to skip the host name check";
        }

        return null;
    }

    private static string Refused(Exception e, TlsOptions tls)
    {
        var detail = e.InnerException?.Message ?? e.Message;
        return tls.Client is null
            ? $"the broker ended the handshake ({detail}); if it requires client certificates (ssl.client.auth=required), set " +
              $"{tls.Prefix}ssl.keystore.location to a key store whose certificate the broker's CA signed; if the listener is not TLS, set security.protocol=PLAINTEXT"
            : $"the broker ended the handshake ({detail}); check that the broker trusts the CA that signed {tls.Client.Certificate.Subject} " +
              $"({tls.Prefix}ssl.keystore.location) and that the listener is TLS";
    }
}
