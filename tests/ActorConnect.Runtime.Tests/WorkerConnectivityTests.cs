using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Clients;
using ActorConnect.Runtime.Config;
using ActorConnect.TestSupport;
using Akka.TestKit.Xunit2;

namespace ActorConnect.Runtime.Tests;

public sealed class WorkerConnectivityTests() : Akka.TestKit.Xunit2.TestKit(RuntimeSettings.DefaultConfig())
{
    /// <summary>
    /// A TLS listener whose certificate the worker's trust store does not vouch for: the worker's reachability check
    /// speaks TLS (it used to be off for TLS workers) and says which key to fix, not just "unreachable".
    /// </summary>
    [Fact]
    public async Task A_TLS_worker_is_checked_over_TLS_and_an_untrusted_broker_certificate_names_the_trust_store_key()
    {
        using var caKey = RSA.Create(2048);
        using var ca = new CertificateRequest("CN=trusted-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        var trustPem = Path.Combine(Path.GetTempPath(), $"ac-trust-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(trustPem, ca.ExportCertificatePem());
        using var serverKey = RSA.Create(2048);
        using var selfSigned = new CertificateRequest("CN=impostor", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        using var serverCertificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptTcpClientAsync(stop.Token);
                await using var ssl = new SslStream(socket.GetStream());
                try
                {
                    await ssl.AuthenticateAsServerAsync(serverCertificate);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                    // The client refuses the certificate: the point of the test.
                }
            }
        });

        var config = WorkerConfig.ParseStandalone(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.storage.file.filename"] = "/tmp/unused.offsets",
            ["security.protocol"] = "SSL",
            ["ssl.truststore.location"] = trustPem,
        });
        var clients = new ClientConfigs(config, p => p, _ => { });
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe, typeof(KafkaConnectivityChanged));

        // A check given the shipped 3 s can time out before the handshake fails on a loaded machine (seen in CI): the
        // test is about what a failed handshake says, so the check waits longer than any handshake takes.
        var check = WorkerConnectivity.Start(Sys, config, new BrokerFeaturesCache(config.BootstrapServersValue, declared: BrokerFeatures.Modern, security: clients.ProbeSecurity),
            RuntimeSettings.Create(Sys) with { ConnectivityCheckTimeout = TimeSpan.FromSeconds(60) });

        var changed = await probe.ExpectMsgAsync<KafkaConnectivityChanged>(TimeSpan.FromSeconds(120));
        Assert.Contains("TLS handshake failed", changed.Problem);
        Assert.Contains("CN=impostor", changed.Problem);
        Assert.Contains("set ssl.truststore.location", changed.Problem);
        check.Dispose();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
        File.Delete(trustPem);
    }
}
