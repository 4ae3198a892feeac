using System.Diagnostics;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// The consumer ceiling: a group consumer from the earliest offset, each value written as a line to a buffered file,
/// one manual commit at the end (the file is flushed first, so the commit covers only written lines).
/// </summary>
internal static class Consume
{
    public static int Run(string bootstrap, string topic, long count, string outFile, IReadOnlyDictionary<string, string> options)
    {
        var legacy = Broker.IsLegacy(bootstrap, options);
        var config = Broker.Configure(new ConsumerConfig
        {
            GroupId = options.GetValueOrDefault("--group") ?? $"acbench-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 10000, // a 0.9 broker caps it at group.max.session.timeout.ms (30 s by default)
            // The ceiling is the bare client tuned as our consumer stage is: with librdkafka's default of 1 s it
            // idles a second every time its prefetch queue fills, which would make the ceiling half as high.
            FetchQueueBackoffMs = 20,
        }, bootstrap, legacy);
        Broker.ApplySet(config, options);
        // --flush-each: every line reaches the file at once (the latency row reads the file as it grows).
        var flushEach = options.ContainsKey("--flush-each");
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
        var timeout = Stopwatch.StartNew();
        Stopwatch? sinceFirst = null;
        long lines = 0;
        using (var output = new FileStream(outFile, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16))
        {
            consumer.Subscribe(topic);
            while (lines < count)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (result is null)
                {
                    if (timeout.Elapsed > TimeSpan.FromMinutes(5))
                    {
                        Console.Error.WriteLine($"acbench: gave up after {lines} of {count} lines: nothing for 5 minutes");
                        return 1;
                    }

                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    continue;
                }

                sinceFirst ??= Stopwatch.StartNew();
                timeout.Restart();
                var value = result.Message.Value;
                if (value is not null)
                {
                    output.Write(value);
                }

                output.WriteByte((byte)'\n');
                lines++;
                if (flushEach)
                {
                    output.Flush();
                }
            }

            output.Flush();
        }

        consumer.Commit();
        var seconds = ProcessStats.SecondsSinceStart;
        var fromFirst = sinceFirst?.Elapsed.TotalSeconds ?? 0;
        consumer.Close();
        Console.WriteLine($"RESULT lines={lines} seconds={ProcessStats.F(seconds)} rate={ProcessStats.F(lines / seconds)} " +
                          $"loop_seconds={ProcessStats.F(fromFirst)} loop_rate={ProcessStats.F(lines / Math.Max(fromFirst, 1e-9))} " +
                          $"vmhwm_kb={ProcessStats.PeakRssKb()} cpu_s={ProcessStats.F(ProcessStats.CpuSeconds)}");
        Console.Error.WriteLine($"acbench: consumed {lines} lines from {topic} into {outFile}: {seconds:0.000} s from process start, {fromFirst:0.000} s from the first record");
        return 0;
    }
}
