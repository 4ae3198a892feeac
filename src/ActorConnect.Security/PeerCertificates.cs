using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorConnect.Security;

/// <summary>What is wrong with the other side's certificate.</summary>
public enum CertificateProblem
{
    None,

    /// <summary>It does not chain to a trusted CA.</summary>
    Untrusted,

    /// <summary>It, or a certificate of its chain, is outside its validity dates.</summary>
    Expired,

    /// <summary>Anything else the chain check found (a usage it is not meant for, a broken signature).</summary>
    Invalid,
}

/// <summary>
/// The verdict on a peer's certificate: the problem, the certificate as <c>(subject, issued by issuer)</c>, and a
/// sentence describing both (no fix: callers name their own keys).
/// </summary>
public sealed record CertificateVerdict(CertificateProblem Problem, string Subject, string Description)
{
    public bool Accepted => Problem == CertificateProblem.None;
}

/// <summary>
/// Judges the other side's certificate against a trust store, the one way every TLS surface of ActorConnect does it
/// (Kafka brokers, REST clients, cluster peers): only the given CAs count, as with Java's trust manager, so a
/// certificate some public CA signed is not enough; revocation is not checked (private CAs publish no lists).
/// </summary>
public static class PeerCertificates
{
    /// <summary>TLS server authentication, for a broker's certificate.</summary>
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    /// <summary>TLS client authentication, for a REST client's certificate.</summary>
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Checks <paramref name="certificate"/>.</summary>
    /// <param name="certificate">The peer's certificate.</param>
    /// <param name="trusted">The trusted CAs; null: the system's (a Kafka client without a trust store, as Java's cacerts).</param>
    /// <param name="presented">The chain the TLS stack built from what the peer sent: its intermediates help.</param>
    /// <param name="usage">The extended key usage the certificate must allow when it limits its use; null: any.</param>
    public static CertificateVerdict Check(X509Certificate2 certificate, X509Certificate2Collection? trusted, X509Chain? presented = null, Oid? usage = null)
    {
        var subject = $"({certificate.Subject}, issued by {certificate.Issuer})";
        var now = DateTime.Now;
        if (certificate.NotAfter < now || certificate.NotBefore > now)
        {
            return new CertificateVerdict(CertificateProblem.Expired, subject,
                $"{subject} {(certificate.NotAfter < now ? "has expired" : "is not valid yet")}: it is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (trusted is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
            chain.ChainPolicy.ExtraStore.AddRange(trusted);
        }

        foreach (var element in presented?.ChainElements.Skip(1) ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        if (usage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(usage);
        }

        if (chain.Build(certificate))
        {
            return new CertificateVerdict(CertificateProblem.None, subject, subject);
        }

        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        // A bad signature against a trusted CA's key is what another CA of the same name gives: untrusted, in practice.
        return (flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid)) != 0
            ? new CertificateVerdict(CertificateProblem.Untrusted, subject, $"{subject} is not signed by a trusted CA ({status})")
            : (flags & X509ChainStatusFlags.NotTimeValid) != 0
                ? new CertificateVerdict(CertificateProblem.Expired, subject, $"{subject} or its CA's certificate is outside its validity dates ({status})")
                : new CertificateVerdict(CertificateProblem.Invalid, subject, $"{subject} is not valid ({status})");
    }
}
