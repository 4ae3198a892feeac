using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorConnect.TestSupport;

/// <summary>
/// A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate, written as the store
/// files Kafka Connect users have: PKCS12, PEM (certificate and key in one file), JKS (through Java's keytool), and the
/// CA as PEM for trust stores. Plus a client certificate from another CA, which must not be trusted.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    /// <summary>The password of every store and key written here.</summary>
    public const string Password = "secret123";

    private TestCertificates(string dir) => Dir = dir;

    public string Dir { get; }

    /// <summary>The CA that signed the server's and the client's certificates, as PEM.</summary>
    public string CaPem => Path.Combine(Dir, "ca.pem");

    /// <summary>The server's certificate and key as PKCS12, password <see cref="Password"/>.</summary>
    public string ServerP12 => Path.Combine(Dir, "server.p12");

    /// <summary>The server's certificate and unencrypted key in one PEM file.</summary>
    public string ServerPem => Path.Combine(Dir, "server.pem");

    /// <summary>The server's certificate and key as a JKS store (store and key password <see cref="Password"/>).</summary>
    public string ServerJks => Path.Combine(Dir, "server.jks");

    /// <summary>The CA's certificate, for checking the server's.</summary>
    public X509Certificate2 Ca { get; private set; } = null!;

    /// <summary>A client certificate with its key, signed by <see cref="Ca"/>.</summary>
    public X509Certificate2 Client { get; private set; } = null!;

    /// <summary>A client certificate with its key, signed by another CA.</summary>
    public X509Certificate2 StrangerClient { get; private set; } = null!;

    /// <summary>Writes a fresh set into a new temporary folder.</summary>
    public static TestCertificates Create()
    {
        var set = new TestCertificates(RepoPaths.NewTempDirectory("certs"));
        using var caKey = RSA.Create(2048);
        var ca = SelfSignedCa("CN=actorconnect-test-ca", caKey);
        using var serverKey = RSA.Create(2048);
        var server = Issue(ca, caKey, "CN=127.0.0.1", serverKey, "1.3.6.1.5.5.7.3.1", san: true);
        using var clientKey = RSA.Create(2048);
        using var strangerCaKey = RSA.Create(2048);
        using var strangerKey = RSA.Create(2048);
        var strangerCa = SelfSignedCa("CN=another-ca", strangerCaKey);

        set.Ca = ca;
        set.Client = Issue(ca, caKey, "CN=rest-client", clientKey, "1.3.6.1.5.5.7.3.2", san: false);
        set.StrangerClient = Issue(strangerCa, strangerCaKey, "CN=rest-client", strangerKey, "1.3.6.1.5.5.7.3.2", san: false);
        File.WriteAllText(set.CaPem, ca.ExportCertificatePem());
        File.WriteAllBytes(set.ServerP12, server.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password));
        File.WriteAllText(set.ServerPem, server.ExportCertificatePem() + "\n" + serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        Keytool("-importkeystore", "-srckeystore", set.ServerP12, "-srcstoretype", "PKCS12", "-srcstorepass", Password,
            "-destkeystore", set.ServerJks, "-deststoretype", "JKS", "-deststorepass", Password, "-destkeypass", Password, "-noprompt");
        return set;
    }

    /// <summary>An HTTP handler that trusts exactly this set's CA (the way a client with the CA in its trust store does) and may show a client certificate.</summary>
    public HttpClientHandler Handler(X509Certificate2? clientCertificate = null)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                if ((errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(clientCertificate);
        }

        return handler;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 SelfSignedCa(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, RSA caKey, string subject, RSA key, string usage, bool san)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (san)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        // With its key, and through PKCS12 so TLS stacks may use the key.
        return X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
    }

    private static void Keytool(params string[] args)
    {
        var start = new ProcessStartInfo("keytool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"keytool {string.Join(' ', args)} failed ({process.ExitCode}): {output}");
        }
    }
}
