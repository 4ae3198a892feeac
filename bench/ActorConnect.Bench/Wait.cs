using System.Diagnostics;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>The stopwatches for the workers: done when the topic (or the sink file) holds the expected count.</summary>
internal static class Wait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>The records in a topic: high watermarks summed over its partitions (all start at 0 on a fresh topic).</summary>
    public static int CountTopic(string bootstrap, string topic, IReadOnlyDictionary<string, string> options)
    {
        var legacy = Broker.IsLegacy(bootstrap, options);
        var config = Broker.Configure(new ConsumerConfig { GroupId = "acbench-watermarks" }, bootstrap, legacy);
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
        var partitions = Partitions(consumer, topic);
        Console.WriteLine(partitions.Sum(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value));
        return 0;
    }

    private static TopicPartition[] Partitions(IConsumer<Ignore, Ignore> consumer, string topic)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToArray();
    }

    /// <summary>Polls the high watermarks of every partition of the topic until their sum reaches the count.</summary>
    public static int Topic(string bootstrap, string topic, long count, double timeoutSeconds, IReadOnlyDictionary<string, string> options)
    {
        var since = Since(options);
        var pid = Pid(options);
        var legacy = Broker.IsLegacy(bootstrap, options);
        var config = Broker.Configure(new ConsumerConfig { GroupId = "acbench-watermarks" }, bootstrap, legacy);
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
        var partitions = Partitions(consumer, topic);
        if (partitions.Length == 0)
        {
            Console.Error.WriteLine($"acbench: topic {topic} has no partitions (does it exist?)");
            return 1;
        }

        var deadline = Stopwatch.StartNew();
        var start = partitions.Sum(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value);
        if (start != 0)
        {
            Console.Error.WriteLine($"acbench: topic {topic} already holds {start} records when the wait begins (a fresh topic is expected)");
        }

        DateTime? first = null;
        var mark = Mark(options, count);
        while (true)
        {
            long total;
            try
            {
                total = partitions.Sum(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value);
            }
            catch (KafkaException e)
            {
                // A 0.9 broker that receives an unknown request (a worker's ApiVersions probe) may drop a concurrent one.
                Console.Error.WriteLine($"acbench: watermark query failed ({e.Error.Reason}); retrying");
                if (Stopped(pid, 0, count, deadline, timeoutSeconds))
                {
                    return Failed(0, since, first);
                }

                continue;
            }

            if (total > 0)
            {
                first ??= DateTime.UtcNow;
            }

            mark.See(total);

            if (total >= count)
            {
                return Done(total, since, first, mark);
            }

            if (Stopped(pid, total, count, deadline, timeoutSeconds))
            {
                return Failed(total, since, first);
            }

            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>Follows a file (reading only what was appended) until it holds the count of '\n'.</summary>
    public static int Lines(string path, long count, double timeoutSeconds, IReadOnlyDictionary<string, string> options)
    {
        var since = Since(options);
        var pid = Pid(options);
        var deadline = Stopwatch.StartNew();
        long total = 0;
        DateTime? first = null;
        var mark = Mark(options, count);
        FileStream? input = null;
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                if (input is null && File.Exists(path))
                {
                    input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                }

                var read = input?.Read(buffer) ?? 0;
                if (read > 0)
                {
                    total += buffer.AsSpan(0, read).Count((byte)'\n');
                    first ??= DateTime.UtcNow;
                    mark.See(total);
                    if (total >= count)
                    {
                        return Done(total, since, first, mark);
                    }

                    continue;
                }

                if (Stopped(pid, total, count, deadline, timeoutSeconds))
                {
                    return Failed(total, since, first);
                }

                Thread.Sleep(PollInterval);
            }
        }
        finally
        {
            input?.Dispose();
        }
    }

    private static DateTime Since(IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue("--since", out var s) ? ProcessStats.ParseUnix(s) : DateTime.UtcNow;

    private static int? Pid(IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue("--pid", out var s) ? int.Parse(s) : null;

    private static bool Stopped(int? pid, long total, long count, Stopwatch deadline, double timeoutSeconds) =>
        Stopped(pid, deadline, timeoutSeconds, $"with {total} of {count} done", $"with {total} of {count} done");

    /// <summary>
    /// True (and says why on stderr) once the measured process has exited or the wait has run out of time; the phrases
    /// end the two messages ("process N exited {exited}", "timed out after T s {timedOut}").
    /// </summary>
    internal static bool Stopped(int? pid, Stopwatch deadline, double timeoutSeconds, string exited, string timedOut)
    {
        if (pid is { } p && !Alive(p))
        {
            Console.Error.WriteLine($"acbench: process {p} exited {exited}");
            return true;
        }

        if (deadline.Elapsed.TotalSeconds > timeoutSeconds)
        {
            Console.Error.WriteLine($"acbench: timed out after {timeoutSeconds} s {timedOut}");
            return true;
        }

        return false;
    }

    /// <summary>A zombie (exited, not yet reaped by its parent shell) counts as gone.</summary>
    internal static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].TrimStart();
            return state.Length > 0 && state[0] != 'Z' && state[0] != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// seconds: since the given start until done; first_seconds: until the first record was seen; mark_seconds: until
    /// --mark records were seen (default 99.9% of the count: shows a tail that waits for a timer, such as a flush).
    /// </summary>
    private static int Done(long total, DateTime since, DateTime? first, Milestone mark)
    {
        var end = DateTime.UtcNow;
        Console.WriteLine($"RESULT count={total} seconds={ProcessStats.F((end - since).TotalSeconds)} first_seconds={ProcessStats.F(((first ?? end) - since).TotalSeconds)} " +
                          $"mark={mark.Count} mark_seconds={ProcessStats.F(((mark.At ?? end) - since).TotalSeconds)}");
        return 0;
    }

    private static Milestone Mark(IReadOnlyDictionary<string, string> options, long count) =>
        new(options.TryGetValue("--mark", out var m) ? long.Parse(m) : count - count / 1000);

    private sealed class Milestone(long count)
    {
        public long Count { get; } = count;

        public DateTime? At { get; private set; }

        public void See(long total)
        {
            if (total >= Count)
            {
                At ??= DateTime.UtcNow;
            }
        }
    }

    private static int Failed(long total, DateTime since, DateTime? first)
    {
        Console.WriteLine($"RESULT count={total} seconds={ProcessStats.F((DateTime.UtcNow - since).TotalSeconds)} first_seconds={(first is { } f ? ProcessStats.F((f - since).TotalSeconds) : "-1")} failed=1");
        return 1;
    }
}
