using System.Runtime.InteropServices;
using System.Text;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// librdkafka's in-process mock cluster, which speaks the modern protocol (record headers, timestamps): the test double
/// for paths the shared 0.9 broker cannot take, such as dead-letter context headers. Gone with the instance; never a
/// replacement for the real broker in the other end-to-end tests.
/// </summary>
internal sealed class MockKafkaCluster : IDisposable
{
    private const string Library = "rdkafka-mock";
    private const int RdKafkaProducer = 0;
    private static int _resolverSet;
    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;

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
    }

    public string BootstrapServers { get; }

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

            throw new DllNotFoundException($"no loadable librdkafka in {native}");
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
}
