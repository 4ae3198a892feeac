using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// The floor under the "many tasks" row's idle CPU: the same librdkafka clients as the worker's 300 tasks, and nothing
/// else. One process holds, per source i of <c>--sources</c>, one idle producer (the worker's source producer settings)
/// and <c>--sink-tasks</c> consumers in group <c>raw-many-sink-i</c> subscribed to topics i and i+1, each on its own thread
/// blocking in <c>Consume(1 s)</c> as an idle ActorConnect sink consumer does. Once every consumer has partitions and
/// nothing has been read for 5 s, it measures its own CPU over <c>--idle-s</c> seconds (% of one core), its threads
/// and RSS.
/// </summary>
internal static class RawIdle
{
    public static int Run(string bootstrap, string topicPrefix, IReadOnlyDictionary<string, string> options)
    {
        int Opt(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var sources = Opt("--sources", 50);
        var sinkTasks = Opt("--sink-tasks", 5);
        var idleSeconds = Opt("--idle-s", 30);
        var timeout = TimeSpan.FromSeconds(Opt("--timeout", 600));
        var legacy = Broker.IsLegacy(bootstrap, options);
        var group = options.TryGetValue("--group-prefix", out var g) ? g : $"raw-many-{Guid.NewGuid():N}";

        var producers = new List<IProducer<byte[], byte[]>>();
        var consumers = new List<IConsumer<byte[], byte[]>>();
        using var stop = new CancellationTokenSource();
        var lastRead = Stopwatch.StartNew();
        var threads = new List<Thread>();
        for (var i = 0; i < sources; i++)
        {
            var producerConfig = Broker.Configure(new ProducerConfig { Acks = Acks.All, LingerMs = 5 }, bootstrap, legacy);
            producerConfig.Set("dotnet.cancellation.delay.max.ms", "1000");
            producers.Add(new ProducerBuilder<byte[], byte[]>(producerConfig).SetLogHandler((_, _) => { }).Build());
            for (var t = 0; t < sinkTasks; t++)
            {
                var consumer = new ConsumerBuilder<byte[], byte[]>(Broker.Configure(new ConsumerConfig
                {
                    GroupId = $"{group}-sink-{i}",
                    AutoOffsetReset = AutoOffsetReset.Earliest,
                    EnableAutoCommit = false,
                    QueuedMaxMessagesKbytes = 4096,
                }, bootstrap, legacy)).SetLogHandler((_, _) => { }).Build();
                consumer.Subscribe([$"{topicPrefix}-{i}", $"{topicPrefix}-{(i + 1) % sources}"]);
                consumers.Add(consumer);
                var thread = new Thread(() =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        if (consumer.Consume(TimeSpan.FromSeconds(1)) is not null)
                        {
                            lock (lastRead)
                            {
                                lastRead.Restart();
                            }
                        }
                    }
                }) { IsBackground = true, Name = "raw-consumer" };
                thread.Start();
                threads.Add(thread);
            }
        }

        // Settled: every group holds all its partitions (with the range assignor some members hold none, as in the
        // worker), and nothing was read for 5 s.
        var started = Stopwatch.StartNew();
        var want = WantedAssignments(bootstrap, legacy, topicPrefix, sources);
        while (consumers.Sum(c => c.Assignment.Count) < want || Quiet(lastRead) < TimeSpan.FromSeconds(5))
        {
            if (started.Elapsed > timeout)
            {
                throw new TimeoutException($"{consumers.Sum(c => c.Assignment.Count)} of {want} partitions assigned");
            }

            Thread.Sleep(200);
        }

        var cpu0 = ManyTasks.CpuSeconds(Environment.ProcessId);
        var wall = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(idleSeconds));
        var idleCore = (ManyTasks.CpuSeconds(Environment.ProcessId) - cpu0) / wall.Elapsed.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT clients={producers.Count + consumers.Count} producers={producers.Count} consumers={consumers.Count} idle_cpu_pct={idleCore * 100:0.0} threads={ManyTasks.Status(Environment.ProcessId, "Threads")} rss_kb={ManyTasks.Status(Environment.ProcessId, "VmRSS")}"));

        stop.Cancel();
        threads.ForEach(t => t.Join());
        consumers.ForEach(c => c.Close());
        consumers.ForEach(c => c.Dispose());
        producers.ForEach(p => p.Dispose());
        return 0;
    }

    /// <summary>Each group reads topics i and i+1: the partitions of both, summed over the groups.</summary>
    private static int WantedAssignments(string bootstrap, bool legacy, string topicPrefix, int sources)
    {
        using var admin = new AdminClientBuilder(Broker.Configure(new AdminClientConfig(), bootstrap, legacy)).Build();
        int Partitions(int i) => admin.GetMetadata($"{topicPrefix}-{i}", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
        return Enumerable.Range(0, sources).Sum(i => Partitions(i) + Partitions((i + 1) % sources));
    }

    private static TimeSpan Quiet(Stopwatch lastRead)
    {
        lock (lastRead)
        {
            return lastRead.Elapsed;
        }
    }
}
