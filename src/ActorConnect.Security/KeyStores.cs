using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorConnect.Api.Errors;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace ActorConnect.Security;

/// <summary>This side's certificate with its private key, and the rest of its chain (intermediates, maybe the root).</summary>
public sealed record Identity(X509Certificate2 Certificate, X509Certificate2Collection Chain)
{
    /// <summary>The certificate and its chain as PEM text, leaf first (librdkafka's <c>ssl.certificate.pem</c>).</summary>
    public string CertificatePem() => KeyStores.ToPem([Certificate, .. Chain]);

    /// <summary>The private key as unencrypted PKCS#8 PEM (librdkafka's <c>ssl.key.pem</c>); kept in memory only.</summary>
    public string PrivateKeyPem() =>
        ((AsymmetricAlgorithm?)Certificate.GetRSAPrivateKey() ?? (AsymmetricAlgorithm?)Certificate.GetECDsaPrivateKey()
            ?? throw new ConfigException($"The private key of {Certificate.Subject} is neither RSA nor EC; use an RSA or EC key"))
        .ExportPkcs8PrivateKeyPem();
}

/// <summary>
/// Reads Java's key and trust stores (JKS, PKCS12, PEM) into .NET certificates, so every part of ActorConnect that
/// speaks TLS (Kafka clients through librdkafka's PEM settings, the REST server, the cluster's remoting) takes the files
/// Kafka Connect users already have. Every failure is a <see cref="ConfigException"/> naming the key to fix.
/// </summary>
/// <remarks>
/// The store's type is read from its content, not only from <c>*.type</c>: Java since 9 opens a PKCS12 file declared
/// JKS and the other way round, and users' files rely on that. JKS is read with BouncyCastle (.NET has no reader);
/// JCEKS is refused with the <c>keytool</c> command that converts it.
/// </remarks>
public static class KeyStores
{
    private static readonly string[] KnownTypes = ["JKS", "PKCS12", "PEM"];

    /// <summary>The certificates a trust store trusts (its trusted-certificate entries, and the certificates of any key entries).</summary>
    public static X509Certificate2Collection LoadTrusted(TrustStoreSpec spec)
    {
        CheckType(spec.Type, spec.TypeKey);
        if (spec.Certificates is { } inline)
        {
            return FromPemText(inline, spec.CertificatesKey, "the inline PEM certificates");
        }

        var bytes = ReadFile(spec.Location!, spec.LocationKey);
        var where = $"{spec.LocationKey}={spec.Location}";
        var certificates = Sniff(bytes, spec.Location!, spec.LocationKey) switch
        {
            Format.Pem => FromPemText(Encoding.UTF8.GetString(bytes), spec.LocationKey, spec.Location!),
            Format.Jks => JksCertificates(bytes, spec.Password, spec.PasswordKey, where),
            _ => Pkcs12(bytes, spec.Password, spec.PasswordKey, where, exportable: false),
        };
        if (certificates.Count == 0)
        {
            throw new ConfigException($"{where} holds no certificate; import the CA certificate that signed the other side's certificate " +
                                      $"(keytool -importcert -alias ca -file ca.pem -keystore {spec.Location} -storepass <password>)");
        }

        return certificates;
    }

    /// <summary>The certificate with its private key and chain; refuses a certificate that has expired or is not yet valid.</summary>
    public static Identity LoadIdentity(KeyStoreSpec spec)
    {
        CheckType(spec.Type, spec.TypeKey);
        Identity identity;
        if (spec.Location is null)
        {
            if (spec.CertificateChain is null || spec.Key is null)
            {
                throw new ConfigException($"{(spec.Key is null ? spec.KeyKey : spec.CertificateChainKey)} is missing: inline PEM needs both " +
                                          $"{spec.CertificateChainKey} (the certificate chain) and {spec.KeyKey} (the private key)");
            }

            identity = FromPem(spec.CertificateChain, spec.Key, spec.KeyPassword, spec.KeyPasswordKey, $"{spec.CertificateChainKey} and {spec.KeyKey}");
        }
        else
        {
            var bytes = ReadFile(spec.Location, spec.LocationKey);
            var where = $"{spec.LocationKey}={spec.Location}";
            identity = Sniff(bytes, spec.Location, spec.LocationKey) switch
            {
                Format.Pem => FromPem(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(bytes), spec.KeyPassword, spec.KeyPasswordKey, where),
                Format.Jks => JksIdentity(bytes, spec, where),
                _ => Pkcs12Identity(bytes, spec.Password, spec.PasswordKey, where),
            };
        }

        var certificate = identity.Certificate;
        var now = DateTime.Now;
        if (certificate.NotAfter < now || certificate.NotBefore > now)
        {
            throw new ConfigException($"The certificate in {spec.LocationKey}{(spec.Location is null ? "" : "=" + spec.Location)} ({certificate.Subject}) " +
                                      $"{(certificate.NotAfter < now ? "has expired" : "is not valid yet")}: it is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}; renew it");
        }

        return identity;
    }

    /// <summary>Certificates as concatenated PEM blocks.</summary>
    public static string ToPem(IEnumerable<X509Certificate2> certificates) =>
        string.Join("\n", certificates.Select(c => c.ExportCertificatePem())) + "\n";

    private enum Format
    {
        Pem,
        Jks,
        Pkcs12,
    }

    private static void CheckType(string? type, string key)
    {
        if (type is not null && !KnownTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            throw new ConfigException(key, type, "use JKS, PKCS12 or PEM");
        }
    }

    private static byte[] ReadFile(string path, string key)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{key}={path} cannot be read: {e.Message}. Point {key} at the store file, readable by the worker's user");
        }
    }

    private static Format Sniff(byte[] bytes, string path, string key)
    {
        if (bytes.Length >= 4 && bytes[0] == 0xFE && bytes[1] == 0xED && bytes[2] == 0xFE && bytes[3] == 0xED)
        {
            return Format.Jks;
        }

        if (bytes.Length >= 4 && bytes[0] == 0xCE && bytes[1] == 0xCE && bytes[2] == 0xCE && bytes[3] == 0xCE)
        {
            throw new ConfigException($"{key}={path} is a JCEKS store, which ActorConnect does not read; convert it to PKCS12: " +
                                      $"keytool -importkeystore -srckeystore {path} -srcstoretype JCEKS -destkeystore {path}.p12 -deststoretype PKCS12, " +
                                      $"then set {key}={path}.p12 and the type to PKCS12");
        }

        if (Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return Format.Pem;
        }

        return bytes.Length > 0 && bytes[0] == 0x30
            ? Format.Pkcs12
            : throw new ConfigException($"{key}={path} is neither a JKS, a PKCS12 nor a PEM file; point it at the store file");
    }

    private static X509Certificate2Collection FromPemText(string pem, string key, string what)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new ConfigException($"{key}: {what} could not be read as PEM certificates ({e.Message}); expect -----BEGIN CERTIFICATE----- blocks");
        }

        return certificates;
    }

    private static Identity FromPem(string certificatesPem, string keyPem, string? keyPassword, string keyPasswordKey, string where)
    {
        var chain = FromPemText(certificatesPem, where, "the certificate chain");
        if (chain.Count == 0)
        {
            throw new ConfigException($"{where} holds no -----BEGIN CERTIFICATE----- block; the key store needs this side's certificate");
        }

        var encrypted = keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && keyPassword is null)
        {
            throw new ConfigException($"The private key in {where} is encrypted; set {keyPasswordKey} to its password");
        }

        X509Certificate2 withKey;
        try
        {
            withKey = encrypted
                ? X509Certificate2.CreateFromEncryptedPem(chain[0].ExportCertificatePem(), keyPem, keyPassword)
                : X509Certificate2.CreateFromPem(chain[0].ExportCertificatePem(), keyPem);
        }
        catch (CryptographicException e)
        {
            throw new ConfigException(encrypted
                ? $"The private key in {where} cannot be decrypted with {keyPasswordKey} ({e.Message}); check the password"
                : $"{where}: no private key matching the first certificate ({chain[0].Subject}) was found ({e.Message}); " +
                  "put the certificate's key (-----BEGIN PRIVATE KEY-----) beside it, the certificate first");
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"{where}: the private key was not found ({e.Message}); add a -----BEGIN PRIVATE KEY----- block");
        }

        return new Identity(withKey, new X509Certificate2Collection(chain.Skip(1).ToArray()));
    }

    private static X509Certificate2Collection Pkcs12(byte[] bytes, string? password, string passwordKey, string where, bool exportable)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12Collection(bytes, password,
                exportable ? X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new ConfigException(password is null
                ? $"{where} is a PKCS12 store that needs a password; set {passwordKey} ({e.Message})"
                : $"{where} cannot be opened with {passwordKey}: the password is wrong or the file is damaged ({e.Message})");
        }
    }

    private static Identity Pkcs12Identity(byte[] bytes, string? password, string passwordKey, string where)
    {
        var all = Pkcs12(bytes, password, passwordKey, where, exportable: true);
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
                   ?? throw new ConfigException($"{where} holds no private key entry; a key store needs this side's certificate and key " +
                                                "(keytool -genkeypair, or openssl pkcs12 -export -inkey key.pem -in cert.pem)");
        return new Identity(leaf, new X509Certificate2Collection(all.Where(c => !ReferenceEquals(c, leaf)).ToArray()));
    }

    private static JksStore OpenJks(byte[] bytes, string? password, string passwordKey, string where)
    {
        var store = new JksStore();
        try
        {
            using var stream = new MemoryStream(bytes);
            if (password is null)
            {
                // Java reads a JKS trust store without a password too; only its integrity is then unchecked.
                store.LoadUnchecked(stream);
            }
            else
            {
                store.Load(stream, password.ToCharArray());
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            throw new ConfigException($"{where} cannot be opened with {passwordKey}: the password is wrong or the file is damaged ({e.Message})");
        }

        return store;
    }

    private static X509Certificate2Collection JksCertificates(byte[] bytes, string? password, string passwordKey, string where)
    {
        var store = OpenJks(bytes, password, passwordKey, where);
        var certificates = new X509Certificate2Collection();
        foreach (var alias in store.Aliases)
        {
            if (store.GetCertificate(alias) is { } certificate)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(certificate.GetEncoded()));
            }
        }

        return certificates;
    }

    private static Identity JksIdentity(byte[] bytes, KeyStoreSpec spec, string where)
    {
        var store = OpenJks(bytes, spec.Password, spec.PasswordKey, where);
        var alias = store.Aliases.FirstOrDefault(store.IsKeyEntry)
                    ?? throw new ConfigException($"{where} holds no private key entry; a key store needs this side's certificate and key (keytool -genkeypair)");
        var keyPassword = spec.KeyPassword ?? spec.Password ?? string.Empty;
        byte[] pkcs8;
        try
        {
            pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(store.GetKey(alias, keyPassword.ToCharArray())).GetEncoded();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or SecurityUtilityException)
        {
            throw new ConfigException($"The key '{alias}' in {where} cannot be unlocked with {(spec.KeyPassword is null ? spec.PasswordKey : spec.KeyPasswordKey)}" +
                                      $" ({e.Message}); set {spec.KeyPasswordKey} to the key's password");
        }

        var chain = store.GetCertificateChain(alias).Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded())).ToArray();
        var leaf = chain[0];
        X509Certificate2 withKey;
        if (leaf.GetRSAPublicKey() is not null)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            withKey = leaf.CopyWithPrivateKey(rsa);
        }
        else
        {
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(pkcs8, out _);
            withKey = leaf.CopyWithPrivateKey(ec);
        }

        return new Identity(withKey, new X509Certificate2Collection(chain.Skip(1).ToArray()));
    }
}
