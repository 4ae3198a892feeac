using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorConnect.Security.Tests;

/// <summary>
/// A test CA and a certificate it signed, written as the files users have: PEM, PKCS12, and JKS made by Java's own
/// keytool (installed with the JRE the local Kafka broker runs on), so the JKS reader meets real keytool output.
/// </summary>
public sealed class TestStores : IDisposable
{
    public const string Password = "s3cret-pass";

    public TestStores() : this(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30))
    {
    }

    /// <summary>Stores whose certificate is valid only between the given times (an expired one, for instance).</summary>
    public static TestStores ValidBetween(DateTimeOffset notBefore, DateTimeOffset notAfter) => new(notBefore, notAfter);

    private TestStores(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        Directory.CreateDirectory(Dir);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-400), DateTimeOffset.UtcNow.AddDays(400));

        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=client", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        using var signed = leafRequest.Create(Ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        Leaf = signed.CopyWithPrivateKey(leafKey);

        File.WriteAllText(CaPem, Ca.ExportCertificatePem());
        File.WriteAllBytes(TrustP12, new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(Ca.RawData)).Export(X509ContentType.Pkcs12, Password)!);
        Keytool($"-importcert -alias ca -file {CaPem} -keystore {TrustJks} -storetype JKS -storepass {Password} -noprompt");
        File.WriteAllBytes(KeyP12, new X509Certificate2Collection(new[] { Leaf, X509CertificateLoader.LoadCertificate(Ca.RawData) }).Export(X509ContentType.Pkcs12, Password)!);
        Keytool($"-importkeystore -srckeystore {KeyP12} -srcstoretype PKCS12 -srcstorepass {Password} -destkeystore {KeyJks} -deststoretype JKS -deststorepass {Password} -noprompt");
        File.WriteAllText(KeyPem, Leaf.ExportCertificatePem() + "\n" + leafKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(KeyEncryptedPem, Leaf.ExportCertificatePem() + "\n" + leafKey.ExportEncryptedPkcs8PrivateKeyPem(Password,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10000)));
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "ac-stores-" + Guid.NewGuid().ToString("N"));

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Leaf { get; }

    public string CaPem => Path.Combine(Dir, "ca.pem");

    public string TrustJks => Path.Combine(Dir, "trust.jks");

    public string TrustP12 => Path.Combine(Dir, "trust.p12");

    public string KeyP12 => Path.Combine(Dir, "client.p12");

    public string KeyJks => Path.Combine(Dir, "client.jks");

    public string KeyPem => Path.Combine(Dir, "client.pem");

    public string KeyEncryptedPem => Path.Combine(Dir, "client-encrypted.pem");

    /// <summary>Runs Java's keytool; throws with its output when it fails.</summary>
    public void Keytool(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("keytool", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"keytool {arguments} failed: {output}");
        }
    }

    public void Dispose()
    {
        Ca.Dispose();
        Leaf.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
