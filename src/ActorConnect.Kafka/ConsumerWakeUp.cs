using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace ActorConnect.Kafka;

/// <summary>
/// Ends a consumer's blocking <c>Consume(timeout)</c> early, from any thread: what Kafka's Java consumer calls
/// <c>wakeup()</c>. librdkafka has it (<c>rd_kafka_queue_yield</c> on the consumer queue); Confluent.Kafka does not expose
/// it, so it is called here on the client's own librdkafka handle.
/// </summary>
/// <remarks>
/// Why: an idle consumer stage waits inside librdkafka, so that a record wakes it at once and nothing else does, and a
/// command (commit, pause, stop) must not wait for that wait to run out. The handle is found by reflection
/// (<c>Handle.LibrdkafkaHandle</c>, internal to Confluent.Kafka) and the functions in the librdkafka module Confluent.Kafka
/// loaded, never another copy. Where either is missing (a later Confluent.Kafka), <see cref="TryCreate"/> says why and the
/// stage works as before, its commands waiting up to one idle wait. The client's handle is referenced from creation to
/// <see cref="Dispose"/>, so a wake-up racing the consumer's close never touches a destroyed client.
/// </remarks>
internal sealed class ConsumerWakeUp : IDisposable
{
    private static readonly Lazy<(Native? Api, string? WhyNot)> Library = new(Native.Load);
    private static readonly PropertyInfo? HandleProperty =
        typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic);

    private static int _fallbackReported;

    private readonly object _gate = new();
    private readonly Native _api;
    private SafeHandle? _client;
    private IntPtr _queue;

    private ConsumerWakeUp(Native api, SafeHandle client, IntPtr queue)
    {
        _api = api;
        _client = client;
        _queue = queue;
    }

    /// <summary>True the first time in this process: the fallback is one fact about the process, logged once, not per consumer.</summary>
    public static bool FirstFallback() => Interlocked.Exchange(ref _fallbackReported, 1) == 0;

    /// <summary>A wake-up for <paramref name="consumer"/>, or null with the reason it cannot be had.</summary>
    public static ConsumerWakeUp? TryCreate(IClient consumer, out string? whyNot)
    {
        var (api, reason) = Library.Value;
        if (api is null)
        {
            whyNot = reason;
            return null;
        }
        if (HandleProperty?.GetValue(consumer.Handle) is not SafeHandle client)
        {
            whyNot = $"Confluent.Kafka {typeof(Handle).Assembly.GetName().Version} has no internal Handle.LibrdkafkaHandle";
            return null;
        }
        var added = false;
        try
        {
            client.DangerousAddRef(ref added);
            var queue = api.GetConsumerQueue(client.DangerousGetHandle());
            if (queue != IntPtr.Zero)
            {
                whyNot = null;
                return new ConsumerWakeUp(api, client, queue);
            }
            whyNot = "librdkafka gave no consumer queue";
        }
        catch (ObjectDisposedException)
        {
            whyNot = "the consumer is closed";
        }
        if (added)
            client.DangerousRelease();
        return null;
    }

    /// <summary>Ends the consumer's current wait, or its next one if none is under way; after <see cref="Dispose"/>, nothing.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            if (_queue != IntPtr.Zero)
                _api.Yield(_queue);
        }
    }

    /// <summary>Lets the consumer queue and the client go; call before the consumer is closed.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_queue == IntPtr.Zero)
                return;
            _api.DestroyQueue(_queue);
            _queue = IntPtr.Zero;
            _client!.DangerousRelease();
            _client = null;
        }
    }

    /// <summary>The three librdkafka functions, taken from the module Confluent.Kafka has loaded.</summary>
    private sealed class Native
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate IntPtr QueueOfClient(IntPtr client);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void QueueAction(IntPtr queue);

        public required QueueOfClient GetConsumerQueue { get; init; }
        public required QueueAction Yield { get; init; }
        public required QueueAction DestroyQueue { get; init; }

        public static (Native?, string?) Load()
        {
            try
            {
                // Loading "librdkafka" by name could find another copy (Debian's, for kcat); the module in use is the one.
                // Confluent.Kafka picks a build for the platform, named for example centos8-librdkafka.so.
                var loaded = LoadedModules().Where(f => Path.GetFileName(f).Contains("librdkafka", StringComparison.Ordinal)).Distinct().ToList();
                if (loaded.Count > 1)
                    loaded = loaded.Where(f => f.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal)).ToList();
                if (loaded.Count != 1)
                    return (null, loaded.Count == 0 ? "librdkafka is not loaded in this process" : "more than one librdkafka is loaded in this process");
                var path = loaded[0];
                var module = NativeLibrary.Load(path);
                return (new Native
                {
                    GetConsumerQueue = Export<QueueOfClient>(module, "rd_kafka_queue_get_consumer"),
                    Yield = Export<QueueAction>(module, "rd_kafka_queue_yield"),
                    DestroyQueue = Export<QueueAction>(module, "rd_kafka_queue_destroy"),
                }, null);
            }
            catch (Exception e)
            {
                // Only an early end of idle waits is lost: commands then wait up to one idle wait. Never fail a consumer.
                return (null, $"{e.GetType().Name}: {e.Message}");
            }
        }

        /// <summary>
        /// The files mapped into this process. On Linux from /proc/self/maps: <see cref="Process.Modules"/> there leaves
        /// out libraries loaded after the process started.
        /// </summary>
        private static IEnumerable<string> LoadedModules()
        {
            if (!File.Exists("/proc/self/maps"))
                return Process.GetCurrentProcess().Modules.Cast<ProcessModule>().Select(m => m.FileName);
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : "")
                .Where(path => path.Length > 0);
        }

        private static T Export<T>(IntPtr module, string name) where T : Delegate =>
            Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(module, name));
    }
}
