using System.Runtime.InteropServices;
using System.Text;

namespace ActorConnect.TestKit;

/// <summary>
/// librdkafka's in-process mock Kafka cluster (the one Confluent.Kafka ships), which speaks the modern protocol (record
/// headers, timestamps, consumer groups, idempotence): ordinary Confluent.Kafka clients reach it at
/// <see cref="BootstrapServers"/>. Memory only and gone with the instance; topics appear when first produced to, as it
/// answers no CreateTopics. A test double: run the end-to-end tests that matter against a real broker too.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private const string Library = "rdkafka-mock";
    private const int RdKafkaProducer = 0;
    private static int _resolverSet;
    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;

    /// <summary>Starts a mock cluster of <paramref name="brokers"/> brokers on loopback, on random ports.</summary>
    /// <exception cref="DllNotFoundException">No loadable librdkafka beside the application (Confluent.Kafka's runtimes folder).</exception>
    public MockKafkaCluster(int brokers = 1)
    {
        EnsureResolver();
        var errors = new StringBuilder(512);
        _handle = rd_kafka_new(RdKafkaProducer, rd_kafka_conf_new(), errors, (UIntPtr)errors.Capacity);
        if (_handle == IntPtr.Zero)
        {
            throw new InvalidOperationException($"rd_kafka_new failed: {errors}");
        }

        _cluster = rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(_handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        BootstrapServers = Marshal.PtrToStringAnsi(rd_kafka_mock_cluster_bootstraps(_cluster))!;

        // A consumer group's first member otherwise waits 3 s for others to join: tests have one member, or know theirs.
        rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, 0);
    }

    /// <summary>The <c>host:port</c> list clients use as <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>
    /// Creates a topic of <paramref name="partitions"/> partitions. Topics a client writes to or reads from before they
    /// exist are created with the mock's default of 4 partitions: create a topic first when a test reads it in order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The mock refused (the librdkafka error code is in the message).</exception>
    public void CreateTopic(string topic, int partitions = 1)
    {
        var error = rd_kafka_mock_topic_create(_cluster, topic, partitions, 1);
        if (error != 0)
        {
            throw new InvalidOperationException($"The mock cluster did not create topic \"{topic}\" with {partitions} partitions: librdkafka error {error}.");
        }
    }

    /// <summary>Stops the brokers; every record they held is gone.</summary>
    public void Dispose()
    {
        rd_kafka_mock_cluster_destroy(_cluster);
        rd_kafka_destroy(_handle);
    }

    // Debian has no libsasl2.so.3 for the default build; the centos8 build beside it loads, as Confluent.Kafka finds too.
    private static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _resolverSet, 1) == 1)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(MockKafkaCluster).Assembly, (name, _, _) =>
        {
            if (name != Library)
            {
                return IntPtr.Zero;
            }

            var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
            foreach (var candidate in new[] { "librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so" })
            {
                if (NativeLibrary.TryLoad(Path.Combine(native, candidate), out var handle))
                {
                    return handle;
                }
            }

            // Other platforms: the library's usual name, found where Confluent.Kafka's own loader finds it.
            return NativeLibrary.TryLoad("librdkafka", typeof(MockKafkaCluster).Assembly, null, out var usual)
                ? usual
                : throw new DllNotFoundException($"No loadable librdkafka in {native} nor on the library path: reference the Confluent.Kafka package (librdkafka.redist) from the test project.");
        });
    }

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_conf_new();

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_new(int type, IntPtr conf, StringBuilder errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    private static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [DllImport(Library)]
    private static extern void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [DllImport(Library)]
    private static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [DllImport(Library)]
    private static extern int rd_kafka_mock_topic_create(IntPtr mcluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitionCount, int replicationFactor);

    [DllImport(Library)]
    private static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);
}
