using System.Diagnostics;
using System.Globalization;
using ActorConnect.Bench.Cluster;

namespace ActorConnect.Bench;

/// <summary>
/// A file that grows at a steady rate, for the source rows where the input is not there from the start (Kafka Connect
/// 0.9's FileStreamSource cannot finish a large existing file, but it tails one). Appends gen-file's lines in small
/// timed chunks (every --chunk-ms, 10 by default), each flushed to the OS so a tailing reader sees it at once; a chunk
/// that comes late (a busy machine) holds every line due by then, so the rate holds on average.
/// With --topic (and --bootstrap) it also is the stopwatch: it writes one line first and waits until the topic holds it
/// (the worker is up end to end; with --since, ready_seconds is the launch-to-first-record time), then appends the
/// other lines on schedule while it samples the topic's high watermarks, and waits until the topic holds them all.
/// Reports the lag (last line appended -> topic holds every line), the worst and mean lag seen during the run (how long
/// the oldest line not yet in the topic had been in the file) and, with --pid, the worker's CPU seconds from the first
/// scheduled line until the topic held them all.
/// </summary>
internal static class GrowFile
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(25);

    public static int Run(string path, double rate, double seconds, IReadOnlyDictionary<string, string> options)
    {
        var (total, chunk, timeout, since) = Schedule.Read(rate, seconds, options);
        int? pid = options.TryGetValue("--pid", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : null;
        var topic = options.GetValueOrDefault("--topic");
        var bootstrap = options.GetValueOrDefault("--bootstrap");
        if (topic is not null && bootstrap is null)
        {
            throw new ArgumentException("--topic needs --bootstrap");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var output = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        if (output.Length != 0)
        {
            Console.Error.WriteLine($"acbench: {path} already holds {output.Length} bytes; the new lines go after them (an empty file is expected)");
        }

        using var topicCount = topic is null ? null : new Watermark(bootstrap!, Broker.IsLegacy(bootstrap!, options), topic);
        var baseline = topicCount is null ? 0 : ReadCount(topicCount);
        if (baseline != 0)
        {
            Console.Error.WriteLine($"acbench: topic {topic} already holds {baseline} records (a fresh topic is expected); counting from there");
        }

        var maker = new LineMaker();
        var line = new byte[GenFile.LineBytes];
        long appended = 0;
        void Append(long upTo)
        {
            for (; appended < upTo; appended++)
            {
                maker.Fill(line, appended);
                output.Write(line);
            }

            output.Flush(); // to the OS: a reader sees the lines now (no fsync: tailing readers read the page cache)
        }

        // 1. One line, and (with a topic) wait until it is there: the worker is running end to end.
        var deadline = Stopwatch.StartNew();
        Append(1);
        double? readySeconds = null;
        if (topicCount is not null)
        {
            while (ReadCount(topicCount) - baseline < 1)
            {
                if (Stopped(pid, deadline, timeout, "the first line"))
                {
                    Console.WriteLine($"RESULT lines={total} count=0 failed=1 stage=ready");
                    return 1;
                }

                Thread.Sleep(SampleInterval);
            }

            readySeconds = (DateTime.UtcNow - since).TotalSeconds;
            Console.Error.WriteLine($"acbench: the first line reached {topic} {readySeconds:0.00} s after the start; appending {total - 1} more at {rate} lines/s");
        }

        // 2. The rest on schedule: line k (k >= 1) is due k / rate seconds after the first line's arrival.
        var clock = Stopwatch.StartNew();
        var cpu0 = ProcessStats.CpuOf(pid);
        var checkpoints = new List<(double At, long Appended)> { (0, 1) };
        var samples = new List<(double At, long Count)>();
        var delivered = 0L;
        using var stopSampler = new CancellationTokenSource();
        var sampler = topicCount is null ? Task.CompletedTask : Task.Run(() =>
        {
            try
            {
                while (!stopSampler.IsCancellationRequested)
                {
                    var n = ReadCount(topicCount) - baseline;
                    samples.Add((clock.Elapsed.TotalSeconds, n));
                    Volatile.Write(ref delivered, n);
                    if (n >= total)
                    {
                        return;
                    }

                    stopSampler.Token.WaitHandle.WaitOne(SampleInterval);
                }
            }
            catch (TimeoutException e)
            {
                Console.Error.WriteLine($"acbench: {e.Message}"); // the main loop sees the sampler end short of the count
            }
        });

        double maxLate = 0;
        var tick = 0L;
        while (appended < total)
        {
            var t = clock.Elapsed.TotalSeconds;
            var due = Math.Min(total, 1 + (long)Math.Floor(rate * t));
            if (due > appended)
            {
                maxLate = Math.Max(maxLate, t - appended / rate); // how long the oldest line of this chunk was overdue
                Append(due);
                checkpoints.Add((clock.Elapsed.TotalSeconds, appended));
            }

            var wait = (++tick * chunk) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
            else
            {
                tick = (long)(clock.Elapsed / chunk); // far behind: do not burst to catch up ticks, the next chunk holds every due line
            }
        }

        var genEnd = checkpoints[^1].At;
        var genSummary = $"lines={total} gen_seconds={ProcessStats.F(genEnd)} gen_rate={ProcessStats.F((total - 1) / genEnd)} max_late_s={ProcessStats.F(maxLate)}";
        if (topicCount is null)
        {
            Console.WriteLine($"RESULT {genSummary}");
            Console.Error.WriteLine($"acbench: appended {total} lines to {path} in {genEnd:0.00} s");
            return 0;
        }

        // 3. Until the topic holds every line.
        var failed = false;
        while (Volatile.Read(ref delivered) < total && !sampler.IsCompleted)
        {
            if (Stopped(pid, deadline, timeout, "every line"))
            {
                failed = true;
                break;
            }

            Thread.Sleep(SampleInterval);
        }

        var cpu1 = ProcessStats.CpuOf(pid);
        stopSampler.Cancel();
        sampler.Wait();
        if (failed || samples.Count == 0 || samples[^1].Count < total)
        {
            Console.WriteLine($"RESULT {genSummary} count={(samples.Count > 0 ? samples[^1].Count : 0)} ready_seconds={ProcessStats.F(readySeconds ?? -1)} failed=1 stage=deliver");
            return 1;
        }

        var done = samples[^1].At;

        // The lag at a sample: how long the oldest line not yet in the topic had been in the file (0 when all were).
        // Partitions fill in parallel, so "the oldest" is the count-th line: close enough at 25 ms per sample.
        double AppendedAt(long index) => checkpoints.First(c => c.Appended > index).At;
        long AppendedBy(double at) => checkpoints.LastOrDefault(c => c.At <= at, checkpoints[0]).Appended;
        var lags = samples.Select(x => x.Count >= AppendedBy(x.At) ? 0 : Math.Max(0, x.At - AppendedAt(x.Count))).ToList();
        var meanLag = lags.Average();
        var endLag = Math.Max(0, done - genEnd); // the last line's: seen at the sample that first saw every line
        var maxLag = Math.Max(lags.Max(), endLag);
        var atGenEnd = samples.LastOrDefault(x => x.At <= genEnd, (0, 0)).Count;
        var cpu = cpu1 - cpu0;
        Console.WriteLine($"RESULT {genSummary} count={samples[^1].Count} ready_seconds={ProcessStats.F(readySeconds ?? -1)} seconds={ProcessStats.F(done)} " +
                          $"rate={ProcessStats.F((total - 1) / done)} lag_s={ProcessStats.F(endLag)} max_lag_s={ProcessStats.F(maxLag)} " +
                          $"mean_lag_s={ProcessStats.F(meanLag)} delivered_at_gen_end={atGenEnd} " +
                          $"worker_cpu_s={(double.IsNaN(cpu) ? "-" : ProcessStats.F(cpu))} worker_cpu_total_s={(double.IsNaN(cpu1) ? "-" : ProcessStats.F(cpu1))}");
        Console.Error.WriteLine($"acbench: {total} lines in {topic}, {endLag:0.00} s after the last was appended (worst lag {maxLag:0.00} s)");
        return 0;
    }

    /// <summary>A 0.9 broker drops a request now and then: ask again rather than fail the run.</summary>
    private static long ReadCount(Watermark w)
    {
        for (var i = 0; ; i++)
        {
            if (w.Read() is { } n)
            {
                return n;
            }

            if (i == 10)
            {
                throw new TimeoutException("the broker did not answer 10 watermark queries in a row");
            }
        }
    }

    private static bool Stopped(int? pid, Stopwatch deadline, double timeoutSeconds, string what) =>
        Wait.Stopped(pid, deadline, timeoutSeconds, $"before the topic held {what}", $"waiting for {what}");
}
