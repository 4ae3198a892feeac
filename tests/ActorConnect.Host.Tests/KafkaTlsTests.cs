using System.Net;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>
/// A worker.properties of a Kafka Connect user with a TLS broker (issue 16, section 1), against the real 0.9 broker's
/// SSL listener: the truststore types Java users hold, the prefixed task keys, and a truststore of the wrong CA.
/// </summary>
[Collection("kafka-tls")]
public sealed class KafkaTlsTests(TlsKafkaFixture kafka, ITestOutputHelper output)
{
    private const int Lines = 20_000;

    [Theory]
    [InlineData("JKS", false)]
    [InlineData("JKS", true)]
    [InlineData("PKCS12", false)]
    [InlineData("PEM", false)]
    public async Task A_file_pipeline_of_20000_lines_over_TLS_delivers_every_line_with_a_truststore_of_each_type(string type, bool alsoPrefixed)
    {
        var pipeline = new FilePipeline("tls-" + type.ToLowerInvariant(), Lines);
        await kafka.CreateTopicAsync(pipeline.Topic, 3);
        var trust = kafka.Material.TrustStore(type);
        // Kafka Connect users often repeat the keys for the task clients; both forms must work.
        var security = TlsKeys.Trust("", trust, type) + (alsoPrefixed ? TlsKeys.Trust("producer.", trust, type) + TlsKeys.Trust("consumer.", trust, type) : "");

        await pipeline.RunUntilEveryLineAsync(kafka.BootstrapServers, security, output, $"every line crosses the SSL listener with a {type} truststore");
    }

    [Fact]
    public async Task A_truststore_of_another_CA_shows_in_both_tasks_naming_the_truststore_key_and_once_fixed_every_line_arrives()
    {
        var pipeline = new FilePipeline("tls-wrong-ca", Lines);
        await kafka.CreateTopicAsync(pipeline.Topic, 3);
        var otherCa = TlsMaterial.NewCa("some-other-ca");

        await pipeline.RunUntilBothTasksShowAsync(kafka.BootstrapServers, TlsKeys.Trust("", otherCa.TrustStore("JKS"), "JKS"), output, "ssl.truststore.location");

        // The user's fix: the worker restarted with the right truststore; the source starts over where it had
        // committed, and nothing it read while the broker refused it is lost.
        await pipeline.RunUntilEveryLineAsync(kafka.BootstrapServers, TlsKeys.Trust("", kafka.Material.TrustStore("JKS"), "JKS"), output,
            "every line arrives once the truststore is fixed");
    }
}

/// <summary>
/// Brokers of these tests' own (one at a time, on fixed private ports), for what the shared SSL listener cannot do:
/// demand client certificates, present an expired certificate, present one for another host name.
/// </summary>
public sealed class KafkaTlsBrokerTests(ITestOutputHelper output)
{
    private const int Lines = 20_000, Port = 19592, ZkPort = 12681;

    [Fact]
    public async Task Mutual_TLS_with_a_PKCS12_client_keystore_delivers_every_line_of_a_20000_line_pipeline()
    {
        var material = TlsMaterial.NewCa();
        await using var broker = await PrivateKafka.StartAsync(Port, ZkPort, material.LocalServer(clientAuth: "required"));
        var pipeline = new FilePipeline("mtls", Lines);
        await broker.CreateTopicAsync(pipeline.Topic, 3);
        var client = material.Client("connect-worker");
        var security = TlsKeys.Trust("", material.TrustStore("JKS"), "JKS") + $"""
            ssl.keystore.location={client.Pkcs12}
            ssl.keystore.password={TlsMaterial.Password}
            ssl.keystore.type=PKCS12
            ssl.key.password={TlsMaterial.Password}

            """;

        await pipeline.RunUntilEveryLineAsync(broker.SslBootstrapServers, security, output, "every line crosses a listener that demands a client certificate");
    }

    [Fact]
    public async Task An_expired_broker_certificate_shows_in_both_tasks_and_once_the_broker_has_a_renewed_one_every_line_arrives()
    {
        var material = TlsMaterial.NewCa();
        var expiredOn = DateTimeOffset.UtcNow.AddDays(-10);
        var expired = material.Server("expired", "127.0.0.1", ["localhost"], [IPAddress.Loopback], expiredOn.AddDays(-10), expiredOn);
        await using var broker = await PrivateKafka.StartAsync(Port, ZkPort, expired);
        var pipeline = new FilePipeline("tls-expired", Lines);
        await broker.CreateTopicAsync(pipeline.Topic, 3);

        var (host, rest) = await pipeline.StartAsync(broker.SslBootstrapServers, TlsKeys.Trust("", material.TrustStore("PKCS12"), "PKCS12"), output);
        await using (host)
        using (rest)
        {
            // Not librdkafka's "certificate verify failed ... ssl.ca.location" (its words for any chain error), but which
            // certificate, until when it was valid, and which side must act.
            output.WriteLine(string.Join('\n', await pipeline.BothTasksShowAsync(rest, "certificate", expiredOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "renewed")));
            Assert.Empty(HostProcess.ReadLinesShared(pipeline.SinkFile));

            // The operator renews the broker's certificate; the worker, untouched, carries on.
            await broker.StopBrokerAsync();
            await broker.StartBrokerAsync(material.LocalServer("renewed"));
            await pipeline.EveryLineArrivesAsync("every line arrives once the broker's certificate is renewed");
            await pipeline.BothTasksRunCleanAsync(rest);
            Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        pipeline.AssertEveryLineAndNothingElse();
    }

    [Fact]
    public async Task A_broker_certificate_for_another_host_name_shows_in_both_tasks_naming_the_identification_key_and_once_set_every_line_arrives()
    {
        var material = TlsMaterial.NewCa();
        var misnamed = material.Server("misnamed", "kafka-1.example.com", ["kafka-1.example.com"], [], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await using var broker = await PrivateKafka.StartAsync(Port, ZkPort, misnamed);
        var pipeline = new FilePipeline("tls-misnamed", Lines);
        await broker.CreateTopicAsync(pipeline.Topic, 3);
        var trust = TlsKeys.Trust("", material.TrustStore("JKS"), "JKS");

        await pipeline.RunUntilBothTasksShowAsync(broker.SslBootstrapServers, trust, output, "ssl.endpoint.identification.algorithm");

        // The user's fix, as in Kafka Connect: an empty algorithm turns the host name check off.
        await pipeline.RunUntilEveryLineAsync(broker.SslBootstrapServers, trust + "ssl.endpoint.identification.algorithm=\n", output,
            "every line arrives once the host name check is off");
    }
}

/// <summary>The Kafka Connect (Java client) keys for a TLS broker, as lines of a worker.properties.</summary>
internal static class TlsKeys
{
    /// <summary><c>security.protocol=SSL</c> and the truststore keys, under <paramref name="prefix"/> ("", "producer.", "consumer.").</summary>
    public static string Trust(string prefix, string location, string type) =>
        $"{prefix}security.protocol=SSL\n{prefix}ssl.truststore.location={location}\n"
        + (type == "PEM" ? "" : $"{prefix}ssl.truststore.password={TlsMaterial.Password}\n")
        + (type == "JKS" ? "" : $"{prefix}ssl.truststore.type={type}\n");
}
