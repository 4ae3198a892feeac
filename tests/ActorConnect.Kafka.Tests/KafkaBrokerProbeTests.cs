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
    public async Task A_server_that_hangs_up_on_ApiVersions_but_answers_Metadata_alone_is_a_legacy_broker()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using (var first = await listener.AcceptSocketAsync())
            {
                await first.ReceiveAsync(new byte[64]); // like 0.9: read the unknown request, then hang up
            }

            using var second = await listener.AcceptSocketAsync();
            var request = new byte[256];
            await second.ReceiveAsync(request);
            Assert.Equal(3, BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(4))); // Metadata, alone
            var response = new byte[8 + 8]; // size, correlation id, then an empty broker and topic list
            BinaryPrimitives.WriteInt32BigEndian(response, response.Length - 4);
            BinaryPrimitives.WriteInt32BigEndian(response.AsSpan(4), BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8)));
            await second.SendAsync(response);
        });

        var features = await KafkaBrokerProbe.DetectAsync($"127.0.0.1:{port}", Patience);

        await server;
        Assert.True(features.IsLegacy);
        Assert.False(features.SupportsHeaders);
    }

    [Fact]
    public async Task A_listener_that_hangs_up_on_every_plain_request_is_not_taken_for_a_legacy_broker_and_TLS_is_suggested()
    {
        // What a TLS listener does with plain Kafka: the old probe called it a 0.9 broker.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                await socket.ReceiveAsync(new byte[64]);
            }
        });

        var error = await Assert.ThrowsAsync<KafkaBrokerUnreachableException>(() => KafkaBrokerProbe.DetectAsync($"127.0.0.1:{port}", Patience));

        await stop.CancelAsync();
        Assert.Contains("set security.protocol=SSL", error.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
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
