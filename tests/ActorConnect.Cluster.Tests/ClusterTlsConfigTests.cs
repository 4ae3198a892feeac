using ActorConnect.Api.Errors;
using ActorConnect.Cluster.Config;
using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>The cluster's TLS keys (<c>cluster.ssl.*</c>): validation, the node's Akka settings, and which peer certificates are accepted.</summary>
public sealed class ClusterTlsConfigTests : IDisposable
{
    private const string Password = "node-secret";
    private readonly TempDirectory _dir = RepoPaths.CreateTempDirectory("cluster-tls-config");
    private readonly TestCertificateAuthority _ca;
    private readonly TestCertificateAuthority _otherCa;

    public ClusterTlsConfigTests()
    {
        _ca = new TestCertificateAuthority("cluster-ca", _dir.Path);
        _otherCa = new TestCertificateAuthority("other-ca", _dir.Path);
    }

    [Fact]
    public void A_keystore_without_a_truststore_is_refused_naming_the_truststore_key()
    {
        var props = Minimal();
        props["cluster.ssl.keystore.location"] = _ca.IssuePkcs12("node0", Password);
        props["cluster.ssl.keystore.password"] = Password;
        var e = Assert.Throws<ConfigException>(() => DistributedConfig.Parse(props));
        Assert.Contains("cluster.ssl.truststore.location is not", e.Message);
    }

    [Fact]
    public void A_truststore_without_a_keystore_is_refused_naming_the_keystore_key()
    {
        var props = Minimal();
        props["cluster.ssl.truststore.location"] = _ca.TrustStore;
        var e = Assert.Throws<ConfigException>(() => DistributedConfig.Parse(props));
        Assert.Contains("cluster.ssl.keystore.location is not", e.Message);
    }

    [Fact]
    public void A_wrong_keystore_password_is_refused_naming_the_password_key()
    {
        var props = Minimal();
        foreach (var (key, value) in _ca.NodeProperties(_ca.IssuePkcs12("node0", Password), "not-the-password"))
        {
            props[key] = value;
        }

        var e = Assert.Throws<ConfigException>(() => DistributedConfig.Parse(props));
        Assert.Contains("cluster.ssl.keystore.password", e.Message);
        Assert.DoesNotContain("not-the-password", e.Message);
    }

    [Fact]
    public void With_both_stores_remoting_uses_TLS_and_seed_addresses_are_akka_ssl_tcp()
    {
        var props = Minimal();
        foreach (var (key, value) in _ca.NodeProperties(_ca.IssuePem("node0"), null))
        {
            props[key] = value;
        }

        props["cluster.seed.nodes"] = "10.0.0.5:2552";
        var config = DistributedConfig.Parse(props);
        Assert.Equal("CN=node0", config.Tls!.Identity.Certificate.Subject);
        Assert.True(ClusterSettings.NodeConfig(config).GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal("akka.ssl.tcp://actorconnect@10.0.0.5:2552", ClusterSettings.SeedAddresses(config, "actorconnect")[0].ToString());
        Assert.Null(ClusterSettings.OpenRemotingWarning(DistributedConfig.Parse(With(props, "cluster.hostname", "0.0.0.0")), ClusterSettings.NodeConfig(config)));
    }

    [Fact]
    public void Without_TLS_a_cluster_port_beyond_loopback_is_warned_about_and_a_loopback_one_is_not()
    {
        var open = DistributedConfig.Parse(With(Minimal(), "cluster.hostname", "10.0.0.5"));
        Assert.False(ClusterSettings.NodeConfig(open).GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        var warning = ClusterSettings.OpenRemotingWarning(open, ClusterSettings.NodeConfig(open));
        Assert.Contains("10.0.0.5:2552", warning);
        Assert.Contains("any host that reaches it can join", warning);
        Assert.Contains("cluster.ssl.keystore.location", warning);

        var loopback = DistributedConfig.Parse(With(Minimal(), "cluster.hostname", "127.0.0.1"));
        Assert.Null(ClusterSettings.OpenRemotingWarning(loopback, ClusterSettings.NodeConfig(loopback)));
        // Where remoting binds decides, when Akka's bind-hostname says it differs from the advertised name.
        var bound = Akka.Configuration.ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.bind-hostname = \"0.0.0.0\"");
        Assert.NotNull(ClusterSettings.OpenRemotingWarning(loopback, ClusterSettings.NodeConfig(loopback, bound)));
    }

    [Fact]
    public void A_peer_certificate_is_accepted_only_when_signed_by_the_cluster_CA_and_within_its_dates()
    {
        var tls = ClusterTls.FromProperties(_ca.NodeProperties(_ca.IssuePkcs12("node0", Password), Password))!;
        using var peer = _ca.Issue("node1", null);
        using var foreign = _otherCa.Issue("intruder", null);
        using var expired = _ca.Issue("old-node", DateTimeOffset.UtcNow.AddHours(-1));

        Assert.Null(tls.Refusal(peer, null));
        Assert.Contains("its certificate (CN=intruder, issued by CN=other-ca) is not signed by the CA in cluster.ssl.truststore.location", tls.Refusal(foreign, null));
        Assert.Contains("(CN=old-node, issued by CN=cluster-ca) has expired: it is valid from", tls.Refusal(expired, null));
        Assert.Contains("presented no certificate", tls.Refusal(null, null));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
        _dir.Dispose();
    }

    private static Dictionary<string, string> Minimal() => new()
    {
        ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        ["group.id"] = "connect-cluster",
    };

    private static Dictionary<string, string> With(Dictionary<string, string> props, string key, string value) => new(props) { [key] = value };
}
