using ActorConnect.Api.Errors;

namespace ActorConnect.Security.Tests;

public sealed class KeyStoresTests(TestStores stores) : IClassFixture<TestStores>
{
    private readonly TestStores _stores = stores;

    private static TrustStoreSpec Trust(string? location, string? password = TestStores.Password, string? type = null, string? inline = null) =>
        new("ssl.", location, password, type, inline);

    private static KeyStoreSpec Key(string? location, string? password = TestStores.Password, string? keyPassword = null, string? type = null) =>
        new("ssl.", location, password, type, keyPassword, null, null);

    [Fact]
    public void A_JKS_trust_store_made_by_keytool_yields_its_CA()
    {
        var trusted = KeyStores.LoadTrusted(Trust(_stores.TrustJks, type: "JKS"));
        Assert.Equal(_stores.Ca.Thumbprint, Assert.Single(trusted).Thumbprint);
    }

    [Fact]
    public void A_JKS_trust_store_is_read_without_a_password_as_Java_reads_it()
    {
        var trusted = KeyStores.LoadTrusted(Trust(_stores.TrustJks, password: null));
        Assert.Equal(_stores.Ca.Thumbprint, Assert.Single(trusted).Thumbprint);
    }

    [Fact]
    public void PKCS12_and_PEM_trust_stores_and_inline_PEM_certificates_yield_the_same_CA()
    {
        Assert.Equal(_stores.Ca.Thumbprint, Assert.Single(KeyStores.LoadTrusted(Trust(_stores.TrustP12, type: "PKCS12"))).Thumbprint);
        Assert.Equal(_stores.Ca.Thumbprint, Assert.Single(KeyStores.LoadTrusted(Trust(_stores.CaPem, password: null, type: "PEM"))).Thumbprint);
        Assert.Equal(_stores.Ca.Thumbprint, Assert.Single(KeyStores.LoadTrusted(Trust(null, null, "PEM", File.ReadAllText(_stores.CaPem)))).Thumbprint);
    }

    [Fact]
    public void A_store_declared_JKS_that_is_PKCS12_is_read_as_Java_9_reads_it()
    {
        Assert.Single(KeyStores.LoadTrusted(Trust(_stores.TrustP12, type: "JKS")));
    }

    [Theory]
    [InlineData("jks")]
    [InlineData("p12")]
    public void A_wrong_trust_store_password_names_the_password_key_and_never_the_password(string kind)
    {
        var path = kind == "jks" ? _stores.TrustJks : _stores.TrustP12;
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadTrusted(Trust(path, password: "wrong-guess")));
        Assert.Contains("ssl.truststore.password", e.Message);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain("wrong-guess", e.Message);
    }

    [Fact]
    public void A_missing_store_file_names_the_location_key()
    {
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadTrusted(Trust("/nonexistent/trust.jks")));
        Assert.Contains("ssl.truststore.location=/nonexistent/trust.jks cannot be read", e.Message);
    }

    [Fact]
    public void An_unknown_store_type_is_refused_naming_the_type_key()
    {
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadTrusted(Trust(_stores.TrustJks, type: "BKS")));
        Assert.Contains("ssl.truststore.type", e.Message);
        Assert.Contains("JKS, PKCS12 or PEM", e.Message);
    }

    [Fact]
    public void A_JCEKS_store_is_refused_with_the_keytool_command_that_converts_it()
    {
        var jceks = Path.Combine(_stores.Dir, "trust.jceks");
        _stores.Keytool($"-importcert -alias ca -file {_stores.CaPem} -keystore {jceks} -storetype JCEKS -storepass {TestStores.Password} -noprompt");
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadTrusted(Trust(jceks)));
        Assert.Contains($"keytool -importkeystore -srckeystore {jceks} -srcstoretype JCEKS", e.Message);
    }

    [Theory]
    [InlineData("p12", null)]
    [InlineData("jks", null)]
    [InlineData("pem", null)]
    [InlineData("pem-encrypted", TestStores.Password)]
    public void A_key_store_yields_the_certificate_with_its_private_key_and_its_chain(string kind, string? keyPassword)
    {
        var path = kind switch
        {
            "p12" => _stores.KeyP12,
            "jks" => _stores.KeyJks,
            "pem" => _stores.KeyPem,
            _ => _stores.KeyEncryptedPem,
        };
        var identity = KeyStores.LoadIdentity(Key(path, keyPassword: keyPassword));
        Assert.Equal(_stores.Leaf.Thumbprint, identity.Certificate.Thumbprint);
        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Contains("BEGIN PRIVATE KEY", identity.PrivateKeyPem());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", identity.CertificatePem());
    }

    [Fact]
    public void Inline_PEM_key_store_keys_yield_the_certificate_with_its_key()
    {
        var pem = File.ReadAllText(_stores.KeyPem);
        var identity = KeyStores.LoadIdentity(new KeyStoreSpec("ssl.", null, null, "PEM", null, pem, pem));
        Assert.Equal(_stores.Leaf.Thumbprint, identity.Certificate.Thumbprint);
    }

    [Fact]
    public void An_encrypted_PEM_key_without_its_password_names_the_key_password_key()
    {
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadIdentity(Key(_stores.KeyEncryptedPem, password: null)));
        Assert.Contains("set ssl.key.password", e.Message);
    }

    [Fact]
    public void A_JKS_key_store_with_a_wrong_password_names_the_key_and_hides_the_guess()
    {
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadIdentity(Key(_stores.KeyJks, password: "not-it")));
        Assert.Contains("ssl.keystore.password", e.Message);
        Assert.DoesNotContain("not-it", e.Message);
    }

    [Fact]
    public void A_trust_store_used_as_a_key_store_is_refused_saying_it_holds_no_key()
    {
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadIdentity(Key(_stores.TrustJks)));
        Assert.Contains("holds no private key entry", e.Message);
    }

    [Fact]
    public void An_expired_key_store_certificate_is_refused_naming_the_key_store()
    {
        using var expired = TestStores.ValidBetween(DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-1));
        var e = Assert.Throws<ConfigException>(() => KeyStores.LoadIdentity(Key(expired.KeyP12)));
        Assert.Contains("ssl.keystore.location=" + expired.KeyP12, e.Message);
        Assert.Contains("renew it", e.Message);
    }

    [Fact]
    public void Store_keys_are_read_under_a_prefix_with_blank_values_as_unset()
    {
        var props = new Dictionary<string, string>
        {
            ["listeners.https.ssl.keystore.location"] = " /a/b.p12 ",
            ["listeners.https.ssl.keystore.password"] = " pw ",
            ["listeners.https.ssl.truststore.location"] = "",
        };
        var key = SslStoreKeys.KeyStore(props, "listeners.https.ssl.")!;
        Assert.Equal("/a/b.p12", key.Location);
        Assert.Equal(" pw ", key.Password); // passwords are kept as written, as Kafka keeps them
        Assert.Equal("listeners.https.ssl.keystore.location", key.LocationKey);
        Assert.Null(SslStoreKeys.TrustStore(props, "listeners.https.ssl."));
    }
}
