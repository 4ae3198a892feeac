using System.Diagnostics;
using System.Globalization;

namespace ActorConnect.Bench;

/// <summary>
/// End-to-end latency file → topic → file: appends gen-file's lines to the input file at a steady rate (in chunks every
/// --chunk-ms, as grow-file does) while it follows the output file that a sink writes, and times each line from the
/// moment its chunk was flushed to the input until it appears in the output (lines are told apart by their number).
/// One process holds both ends, so one monotonic clock times both. It first appends one line and waits until it comes
/// out (everything is up end to end: ready_seconds from --since), then appends the rest on schedule, and waits until
/// every line came out. Prints the latency percentiles over the scheduled lines, the lines seen twice (a sink may
/// redeliver after a failure: counted, not hidden), and with --pid (comma-separated: a raw producer and a raw consumer
/// are two processes) their CPU seconds from the first scheduled line to the last line out.
/// </summary>
internal static class Latency
{
    private static readonly TimeSpan TailInterval = TimeSpan.FromMilliseconds(1);

    public static int Run(string input, string output, double rate, double seconds, IReadOnlyDictionary<string, string> options)
    {
        var (total, chunk, timeout, since) = Schedule.Read(rate, seconds, options);
        var pids = options.TryGetValue("--pid", out var p)
            ? p.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray()
            : [];

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
        using var writer = new FileStream(input, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var clock = Stopwatch.StartNew();
        var appendedAt = new double[total];
        var seenAt = new double[total];
        Array.Fill(seenAt, double.NaN);
        var maker = new LineMaker();
        var line = new byte[GenFile.LineBytes];
        long appended = 0;
        void Append(long upTo)
        {
            var from = appended;
            for (; appended < upTo; appended++)
            {
                maker.Fill(line, appended);
                writer.Write(line);
            }

            writer.Flush(); // to the OS: the worker's tailing reader sees the chunk now
            var at = clock.Elapsed.TotalSeconds;
            for (var k = from; k < upTo; k++)
            {
                appendedAt[k] = at;
            }
        }

        var tail = new Tail(output, seenAt, clock);
        using var stopTail = new CancellationTokenSource();
        var tailer = Task.Run(() => tail.Follow(stopTail.Token));
        var deadline = Stopwatch.StartNew();
        bool Stopped(string what)
        {
            if (tailer.IsFaulted)
            {
                Console.Error.WriteLine($"acbench: reading {output} failed: {tailer.Exception!.InnerException!.Message}");
                return true;
            }

            return pids.Length == 0
                ? Wait.Stopped(null, deadline, timeout, "", $"waiting for {what}")
                : pids.Any(x => Wait.Stopped(x, deadline, timeout, $"before {what} came out", $"waiting for {what}"));
        }

        try
        {
            // 1. One line through the whole pipeline: the worker (or both raw clients) are up end to end.
            Append(1);
            while (double.IsNaN(Volatile.Read(ref seenAt[0])))
            {
                if (Stopped("the first line"))
                {
                    Console.WriteLine($"RESULT lines={total} count=0 failed=1 stage=ready");
                    return 1;
                }

                Thread.Sleep(TailInterval);
            }

            var readySeconds = (DateTime.UtcNow - since).TotalSeconds;
            Console.Error.WriteLine($"acbench: the first line came out {readySeconds:0.00} s after the start; appending {total - 1} more at {rate} lines/s");

            // 2. The rest on schedule: line k is due k / rate seconds after the steady part starts.
            var start = clock.Elapsed;
            var cpu0 = pids.Sum(x => ProcessStats.CpuOf(x));
            var tick = 0L;
            while (appended < total)
            {
                var due = Math.Min(total, 1 + (long)Math.Floor(rate * (clock.Elapsed - start).TotalSeconds));
                if (due > appended)
                {
                    Append(due);
                }

                var wait = start + (++tick * chunk) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    Thread.Sleep(wait);
                }
                else
                {
                    tick = (long)((clock.Elapsed - start) / chunk); // behind: the next chunk holds every due line
                }
            }

            // 3. Until every line came out.
            while (tail.Distinct < total)
            {
                if (Stopped("every line"))
                {
                    Console.WriteLine($"RESULT lines={total} count={tail.Distinct} ready_seconds={ProcessStats.F(readySeconds)} failed=1 stage=deliver");
                    return 1;
                }

                Thread.Sleep(TailInterval);
            }

            var cpu = pids.Sum(x => ProcessStats.CpuOf(x)) - cpu0;
            var steady = (clock.Elapsed - start).TotalSeconds;
            var latencies = new double[total - 1];
            for (long k = 1; k < total; k++)
            {
                latencies[k - 1] = (seenAt[k] - appendedAt[k]) * 1000;
            }

            Array.Sort(latencies);
            double Percentile(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
            Console.WriteLine($"RESULT lines={total} count={tail.Distinct} duplicates={tail.Duplicates} ready_seconds={ProcessStats.F(readySeconds)} " +
                              $"seconds={ProcessStats.F(steady)} p50_ms={ProcessStats.F(Percentile(0.50))} p90_ms={ProcessStats.F(Percentile(0.90))} " +
                              $"p99_ms={ProcessStats.F(Percentile(0.99))} max_ms={ProcessStats.F(latencies[^1])} mean_ms={ProcessStats.F(latencies.Average())} " +
                              $"worker_cpu_s={(double.IsNaN(cpu) ? "-" : ProcessStats.F(cpu))}");
            Console.Error.WriteLine($"acbench: {total} lines out, p50 {Percentile(0.5):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {latencies[^1]:0.0} ms, {tail.Duplicates} seen twice");
            return 0;
        }
        finally
        {
            stopTail.Cancel();
            if (!tailer.IsFaulted)
            {
                tailer.Wait();
            }
        }
    }

    /// <summary>Follows the output file and stamps each line's first appearance (its number is its index).</summary>
    private sealed class Tail(string path, double[] seenAt, Stopwatch clock)
    {
        private long _distinct;

        public long Distinct => Interlocked.Read(ref _distinct);

        private long _duplicates;

        public long Duplicates => Interlocked.Read(ref _duplicates);

        public void Follow(CancellationToken stop)
        {
            FileStream? input = null;
            var buffer = new byte[1 << 16];
            var partial = new byte[GenFile.LineBytes];
            var partialLength = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    if (input is null && File.Exists(path))
                    {
                        input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                    }

                    var read = input?.Read(buffer) ?? 0;
                    if (read == 0)
                    {
                        stop.WaitHandle.WaitOne(TailInterval);
                        continue;
                    }

                    var now = clock.Elapsed.TotalSeconds;
                    foreach (var b in buffer.AsSpan(0, read))
                    {
                        if (b != (byte)'\n')
                        {
                            if (partialLength < partial.Length)
                            {
                                partial[partialLength] = b;
                            }

                            partialLength++;
                            continue;
                        }

                        See(partial.AsSpan(0, Math.Min(partialLength, partial.Length)), now);
                        partialLength = 0;
                    }
                }
            }
            finally
            {
                input?.Dispose();
            }
        }

        private void See(ReadOnlySpan<byte> line, double now)
        {
            if (line.Length < 10 || !long.TryParse(System.Text.Encoding.ASCII.GetString(line[..10]), NumberStyles.None, CultureInfo.InvariantCulture, out var k) ||
                k < 0 || k >= seenAt.Length)
            {
                throw new InvalidDataException($"{path}: a line that is not one of the input's: '{System.Text.Encoding.ASCII.GetString(line)}'");
            }

            if (!double.IsNaN(seenAt[k]))
            {
                Interlocked.Increment(ref _duplicates);
                return;
            }

            Volatile.Write(ref seenAt[k], now);
            Interlocked.Increment(ref _distinct);
        }
    }
}
