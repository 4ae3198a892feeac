using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorConnect.TestSupport;

namespace ActorConnect.Kafka.Tests;

[Collection("kafka")]
public sealed class KafkaBrokerProbeTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Detects_whether_the_test_broker_is_legacy()
    {
        var features = await KafkaBrokerProbe.DetectAsync(kafka.BootstrapServers, Patience);

        Assert.Equal(kafka.IsLegacyBroker, features.IsLegacy);
        Assert.Equal(!kafka.IsLegacyBroker, features.SupportsHeaders);
        Assert.Equal(!kafka.IsLegacyBroker, features.SupportsTimestamps);
        Assert.Contains(kafka.IsLegacyBroker ? "legacy" : "supports ApiVersions", features.Describe());
    }

    [Fact]
    public async Task Skips_an_unreachable_bootstrap_server_and_probes_the_next()
    {
        var closedPort = ClosedPort();
        var features = await KafkaBrokerProbe.DetectAsync($"127.0.0.1:{closedPort},{kafka.BootstrapServers}", Patience);

        Assert.Equal(kafka.IsLegacyBroker, features.IsLegacy);
        Assert.Equal(kafka.BootstrapServers, features.ProbedAddress);
    }

    [Fact]
    public async Task Unreachable_bootstrap_servers_give_an_error_that_names_them_and_says_what_to_check()
    {
        var bootstrap = $"127.0.0.1:{ClosedPort()}";

        var error = await Assert.ThrowsAsync<KafkaBrokerUnreachableException>(() => KafkaBrokerProbe.DetectAsync(bootstrap, Patience));

        Assert.Equal(bootstrap, error.BootstrapServers);
        Assert.Contains(bootstrap, error.Message);
        Assert.Contains("bootstrap.servers", error.Message);
        Assert.Contains("broker is running", error.Message);
    }

    [Fact]
    public async Task A_server_that_closes_without_answering_is_taken_for_a_legacy_broker()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[64];
            await socket.ReceiveAsync(buffer); // like 0.9: read the unknown request, then hang up
        });

        var features = await KafkaBrokerProbe.DetectAsync($"127.0.0.1:{port}", Patience);

        await server;
        Assert.True(features.IsLegacy);
        Assert.False(features.SupportsHeaders);
    }

    [Fact]
    public async Task Reads_the_features_from_an_ApiVersions_answer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var request = new byte[256];
            var read = await socket.ReceiveAsync(request);
            Assert.True(read >= 12);
            Assert.Equal(18, BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(4))); // ApiVersions
            var correlation = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));
            // A 2.x-like broker: Produce up to v8, InitProducerId up to v2.
            var response = new byte[4 + 4 + 2 + 4 + 2 * 6];
            var span = response.AsSpan();
            BinaryPrimitives.WriteInt32BigEndian(span, response.Length - 4);
            BinaryPrimitives.WriteInt32BigEndian(span[4..], correlation);
            BinaryPrimitives.WriteInt32BigEndian(span[10..], 2);
            WriteVersion(span[14..], key: 0, max: 8);
            WriteVersion(span[20..], key: 22, max: 2);
            await socket.SendAsync(response);
        });

        var features = await KafkaBrokerProbe.DetectAsync($"127.0.0.1:{port}", Patience);

        await server;
        Assert.False(features.IsLegacy);
        Assert.True(features.SupportsHeaders);
        Assert.True(features.SupportsTimestamps);
        Assert.True(features.SupportsIdempotence);
        Assert.Equal((short)8, features.MaxApiVersions[0]);
        Assert.Equal(new ProducerSettings("x:1").BuildConfig().ApiVersionRequest,
            new ProducerSettings("x:1").WithBrokerFeatures(features).BuildConfig().ApiVersionRequest);
    }

    private static void WriteVersion(Span<byte> span, short key, short max)
    {
        BinaryPrimitives.WriteInt16BigEndian(span, key);
        BinaryPrimitives.WriteInt16BigEndian(span[2..], 0);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], max);
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_not_taken_for_a_broker()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(); // the kernel accepts connections on its own; nobody ever reads or answers
        var bootstrap = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var error = await Assert.ThrowsAsync<KafkaBrokerUnreachableException>(
            () => KafkaBrokerProbe.DetectAsync(bootstrap, TimeSpan.FromSeconds(4)));

        Assert.Contains(bootstrap, error.Message);
    }

    [Theory]
    [InlineData("a:1", "a", 1)]
    [InlineData(" PLAINTEXT://b:29092 ", "b", 29092)]
    [InlineData("[::1]:9093", "::1", 9093)]
    [InlineData("c", "c", 9092)]
    public void Parses_bootstrap_entries(string text, string host, int port)
    {
        Assert.Equal([(host, port)], KafkaBrokerProbe.ParseBootstrap(text));
    }

    /// <summary>A loopback port nothing listens on: bind, read the port, close.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
