using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// A private CA made in the test, as an operator makes a cluster's with openssl or keytool: its certificate as a PEM
/// trust store, and node certificates it signs as PKCS12 or PEM key stores.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly string _dir;

    public TestCertificateAuthority(string name, string dir)
    {
        _dir = Directory.CreateDirectory(dir).FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-7), DateTimeOffset.UtcNow.AddYears(1));
        TrustStore = Path.Combine(_dir, $"{name}.pem");
        File.WriteAllText(TrustStore, _ca.ExportCertificatePem());
    }

    /// <summary>The CA's certificate as a PEM file (<c>cluster.ssl.truststore.location</c>).</summary>
    public string TrustStore { get; }

    /// <summary>A node certificate signed by this CA, for both TLS roles, in a PKCS12 file with <paramref name="password"/>.</summary>
    public string IssuePkcs12(string commonName, string password, DateTimeOffset? notAfter = null)
    {
        using var node = Issue(commonName, notAfter);
        var path = Path.Combine(_dir, $"{commonName}.p12");
        File.WriteAllBytes(path, node.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>A node certificate signed by this CA, with its unencrypted key, in one PEM file.</summary>
    public string IssuePem(string commonName)
    {
        using var node = Issue(commonName, null);
        var path = Path.Combine(_dir, $"{commonName}.pem");
        File.WriteAllText(path, node.ExportCertificatePem() + "\n" + node.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        return path;
    }

    /// <summary>The <c>cluster.ssl.*</c> properties of a node holding <paramref name="keyStore"/> and trusting this CA.</summary>
    public Dictionary<string, string> NodeProperties(string keyStore, string? password) => new()
    {
        ["cluster.ssl.keystore.location"] = keyStore,
        ["cluster.ssl.keystore.password"] = password ?? "",
        ["cluster.ssl.truststore.location"] = TrustStore,
    };

    public void Dispose() => _ca.Dispose();

    /// <summary>A node certificate signed by this CA, with its key, valid until <paramref name="notAfter"/> (default: six months on).</summary>
    public X509Certificate2 Issue(string commonName, DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Every node both accepts connections and makes them: one certificate serves as server and as client.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        // No subject alternative name: nodes do not check host names (docs/security.md, Cluster).
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var until = notAfter ?? DateTimeOffset.UtcNow.AddMonths(6);
        // An expired certificate (notAfter in the past) must still lie within its CA's validity.
        var from = until < DateTimeOffset.UtcNow ? until.AddHours(-2) : DateTimeOffset.UtcNow.AddHours(-1);
        using var certificate = request.Create(_ca, from, until, serial);
        return certificate.CopyWithPrivateKey(key);
    }
}
