using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorConnect.TestSupport;

/// <summary>
/// A test CA and the files a Kafka Connect user holds for it, in one folder: truststores (JKS and PKCS12 made by
/// keytool, as a Java user's are, and PEM), client keystores for mutual TLS (PKCS12, JKS, PEM with an encrypted key)
/// and server certificates as PEM for a broker (valid, expired, or for another name). Every store and key password is
/// <see cref="Password"/>.
/// </summary>
public sealed class TlsMaterial
{
    /// <summary>The password of every store and key made here.</summary>
    public const string Password = "test-store-secret";

    private readonly X509Certificate2 _ca;
    private readonly Dictionary<string, string> _trustStores = new(StringComparer.Ordinal);

    private TlsMaterial(string directory, X509Certificate2 ca)
    {
        Directory = directory;
        _ca = ca;
        CaPem = System.IO.Path.Combine(directory, "ca.pem");
        File.WriteAllText(CaPem, ca.ExportCertificatePem() + "\n");
    }

    /// <summary>Where the files are.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate as PEM: the truststore of <c>ssl.truststore.type=PEM</c>.</summary>
    public string CaPem { get; }

    /// <summary>A new CA, valid from 30 days ago for a year (so it can sign an expired certificate), in a new folder.</summary>
    public static TlsMaterial NewCa(string name = "actorconnect-test-ca")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(1));
        return new TlsMaterial(RepoPaths.NewTempDirectory("tls"), ca);
    }

    /// <summary>The material of an existing CA (the local broker's, from <c>kafka-local.sh ssl-info</c>), in a new folder.</summary>
    public static TlsMaterial FromPemFiles(string caCertificatePem, string caKeyPem) =>
        new(RepoPaths.NewTempDirectory("tls"), X509Certificate2.CreateFromPemFile(caCertificatePem, caKeyPem));

    /// <summary>A truststore holding the CA: <c>JKS</c> or <c>PKCS12</c> (made by keytool, made once), or <c>PEM</c>.</summary>
    public string TrustStore(string type)
    {
        if (type == "PEM")
        {
            return CaPem;
        }

        lock (_trustStores)
        {
            if (!_trustStores.TryGetValue(type, out var path))
            {
                path = System.IO.Path.Combine(Directory, $"truststore.{Extension(type)}");
                Keytool("-importcert", "-alias", "ca", "-file", CaPem, "-keystore", path, "-storetype", type, "-storepass", Password, "-noprompt");
                _trustStores[type] = path;
            }

            return path;
        }
    }

    /// <summary>
    /// A certificate for a broker, signed by this CA, as PEM files for <see cref="BrokerTls"/>: for
    /// <paramref name="commonName"/> with the given subject alternative names, valid between the given instants
    /// (both in the past: an expired certificate).
    /// </summary>
    public BrokerTls Server(string fileName, string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses,
        DateTimeOffset notBefore, DateTimeOffset notAfter, string clientAuth = "none")
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        using var key = RSA.Create(2048);
        var certificate = Issue(key, commonName, san.Build(), new Oid("1.3.6.1.5.5.7.3.1"), notBefore, notAfter);
        var certPath = System.IO.Path.Combine(Directory, fileName + ".pem");
        var keyPath = System.IO.Path.Combine(Directory, fileName + ".key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n" + _ca.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return new BrokerTls(certPath, keyPath, clientAuth, CaPem);
    }

    /// <summary>A broker certificate for 127.0.0.1 and localhost, valid now.</summary>
    public BrokerTls LocalServer(string fileName = "broker", string clientAuth = "none") =>
        Server(fileName, "127.0.0.1", ["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), clientAuth);

    /// <summary>A client certificate with its key, signed by this CA, as a keystore of each type a Java user may have.</summary>
    public ClientKeyStores Client(string commonName)
    {
        using var key = RSA.Create(2048);
        var certificate = Issue(key, commonName, null, new Oid("1.3.6.1.5.5.7.3.2"), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var withKey = certificate.CopyWithPrivateKey(key);
        var stem = System.IO.Path.Combine(Directory, commonName);
        // .NET writes the PKCS12 with keytool's own defaults (AES-256, HMAC-SHA256); keytool converts it to JKS.
        File.WriteAllBytes(stem + ".p12", withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password));
        Keytool("-importkeystore", "-srckeystore", stem + ".p12", "-srcstoretype", "PKCS12", "-srcstorepass", Password,
            "-destkeystore", stem + ".jks", "-deststoretype", "JKS", "-deststorepass", Password, "-destkeypass", Password, "-noprompt");
        // KIP-651's PEM keystore: the key encrypted with ssl.key.password, then the certificate chain.
        var encrypted = key.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        File.WriteAllText(stem + ".pem", encrypted + "\n" + certificate.ExportCertificatePem() + "\n" + _ca.ExportCertificatePem() + "\n");
        return new ClientKeyStores(stem + ".p12", stem + ".jks", stem + ".pem");
    }

    private X509Certificate2 Issue(RSA key, string commonName, X509Extension? san, Oid usage, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        return request.Create(_ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
    }

    private static string Extension(string type) => type switch
    {
        "JKS" => "jks",
        "PKCS12" => "p12",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "JKS, PKCS12 or PEM"),
    };

    private static void Keytool(params string[] args)
    {
        var psi = new ProcessStartInfo("keytool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start keytool (Java's; kafka-local.sh install brings it)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"keytool {string.Join(' ', args)} failed:\n{stdout.Result}\n{stderr}");
        }
    }
}

/// <summary>One client identity as a PKCS12, a JKS and a PEM keystore (all with <see cref="TlsMaterial.Password"/>).</summary>
public sealed record ClientKeyStores(string Pkcs12, string Jks, string Pem);
