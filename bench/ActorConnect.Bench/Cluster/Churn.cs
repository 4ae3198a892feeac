using System.Diagnostics;
using Confluent.Kafka;

namespace ActorConnect.Bench.Cluster;

/// <summary>
/// Throughput of connector A while connector B is created and deleted over and over, each time over REST on one node
/// and deleted on another: A's records per second (from its topic's high watermark, sampled every 100 ms) before and
/// during the churn, A's restart counts, and A's delivered sequence (a restarted task would resend records).
/// </summary>
internal static class Churn
{
    public sealed record Result(double Steady, long Min, double MeanDuringChurn, int Cycles, int RestartsBefore, int RestartsAfter, string WorkerBefore, string WorkerAfter, long Records, long Duplicates);

    public static async Task<Result> RunAsync(BenchCluster cluster, ConnectRest rest, Watermark topicA, Watermark topicB, string a, int tasksA, IReadOnlyDictionary<string, string> configB, int tasksB,
        double baselineSeconds, double churnSeconds, TimeSpan hold, ResultsCsv csv, Func<long> countDuplicates)
    {
        var before = await Failover.StableAsync(cluster, rest, a, tasksA);
        var samples = new List<(double At, long Count, long CountB)>();
        var events = new List<(double At, string What)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (topicA.Read() is { } n && topicB.Read() is { } nb)
                {
                    lock (samples)
                    {
                        samples.Add((clock.Elapsed.TotalSeconds, n, nb));
                    }
                }

                await Task.Delay(100);
            }
        });

        void Event(string what)
        {
            events.Add((clock.Elapsed.TotalSeconds, what));
            Console.Error.WriteLine($"acbench: {clock.Elapsed.TotalSeconds:0.0} s: {what}");
        }

        await Task.Delay(TimeSpan.FromSeconds(baselineSeconds));
        var nodes = cluster.Nodes;
        var cycle = 0;
        while (clock.Elapsed.TotalSeconds < baselineSeconds + churnSeconds)
        {
            var name = $"{a}-b{cycle}";
            var on = nodes[cycle % nodes.Count];
            var off = nodes[(cycle + 1) % nodes.Count];
            Event($"create {name} on node {on.Index}");
            await rest.CreateAsync(on, name, new Dictionary<string, string>(configB) { ["name"] = name });
            var created = Stopwatch.StartNew();
            ConnectRest.Status? status = null;
            while ((status = await rest.StatusAsync(off, name)) is null || !status.RunningOn(tasksB, null))
            {
                if (created.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"{name} not RUNNING within 60 s");
                }

                await Task.Delay(100);
            }

            Event($"{name} RUNNING on {status.WorkerId}");
            await Task.Delay(hold);
            Event($"delete {name} on node {off.Index}");
            await rest.DeleteAsync(off, name);
            while (!await rest.GoneAsync(on, name))
            {
                await Task.Delay(100);
            }

            Event($"{name} gone");
            await Task.Delay(2000);
            cycle++;
        }

        var churnEnd = clock.Elapsed.TotalSeconds;
        await Task.Delay(3000);
        await stop.CancelAsync();
        await sampler;
        var after = await Failover.StableAsync(cluster, rest, a, tasksA);

        // Records per whole second: the count at the end of the second minus the count at its start (last sample before each).
        List<(double At, long Count, long CountB)> s;
        lock (samples)
        {
            s = samples.ToList();
        }

        long At(double t) => s.LastOrDefault(x => x.At <= t, s[0]).Count;
        long AtB(double t) => s.LastOrDefault(x => x.At <= t, s[0]).CountB;
        var seconds = (int)Math.Floor(s[^1].At);
        var rates = new long[seconds];
        for (var i = 0; i < seconds; i++)
        {
            rates[i] = At(i + 1) - At(i);
            var what = string.Join("; ", events.Where(e => e.At >= i && e.At < i + 1).Select(e => e.What));
            csv.Throughput(i, rates[i], AtB(i + 1) - AtB(i), what);
        }

        // The first second may hold a partial sample interval; the steady rate is the median of the rest of the baseline.
        var baseline = rates.Skip(1).Take((int)baselineSeconds - 1).Order().ToList();
        var during = rates.Skip((int)baselineSeconds).Take((int)Math.Ceiling(churnEnd - baselineSeconds)).ToList();
        return new Result(baseline[baseline.Count / 2], during.Min(), during.Average(), cycle, before.Restarts, after.Restarts, before.WorkerId, after.WorkerId,
            s[^1].Count, countDuplicates());
    }

    /// <summary>
    /// Duplicates in a verifiable source's topic: records "task:seq" seen more than once. A task that was restarted
    /// resends from its last flushed offset, so zero duplicates means no task of the connector was restarted.
    /// </summary>
    public static long CountDuplicates(string bootstrap, bool legacy, string topic)
    {
        var config = Broker.Configure(new ConsumerConfig { GroupId = $"acbench-seq-{Guid.NewGuid():N}", EnableAutoCommit = false }, bootstrap, legacy);
        using var consumer = new ConsumerBuilder<Ignore, string>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var ends = partitions.ToDictionary(tp => tp.Partition.Value, tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value);
        consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long duplicates = 0;
        var done = new HashSet<int>(ends.Where(e => e.Value == 0).Select(e => e.Key));
        var idle = Stopwatch.StartNew();
        while (done.Count < partitions.Count && idle.Elapsed < TimeSpan.FromSeconds(60))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r?.Message is null)
            {
                continue;
            }

            idle.Restart();
            if (!seen.Add(r.Message.Value))
            {
                duplicates++;
            }

            if (r.Offset.Value + 1 >= ends[r.Partition.Value])
            {
                done.Add(r.Partition.Value);
            }
        }

        return duplicates;
    }
}
