using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// The producer ceiling for a growing file: follows the file as a worker's file source does (reads what was appended,
/// looks again every --idle-ms when there is nothing new, 100 ms as ActorConnect's FileStreamSource), produces every
/// complete line as raw-produce does (Produce() + delivery handler, acks=all, linger.ms=5), and runs until SIGINT or
/// SIGTERM, like a worker: then it flushes and prints its RESULT line. bench/run.sh launches it as it launches the
/// workers and measures it the same way (grow-file is the stopwatch).
/// </summary>
internal static class RawTail
{
    public static int Run(string bootstrap, string file, string topic, IReadOnlyDictionary<string, string> options)
    {
        var idle = TimeSpan.FromMilliseconds(int.Parse(options.GetValueOrDefault("--idle-ms", "100"), System.Globalization.CultureInfo.InvariantCulture));
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // stop the loop, flush, then exit normally
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        using var producer = new LineProducer(bootstrap, topic, options);
        while (!File.Exists(file) && !stop.IsCancellationRequested)
        {
            stop.Token.WaitHandle.WaitOne(idle);
        }

        long lines = 0;
        if (!stop.IsCancellationRequested)
        {
            using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var buffer = new byte[1 << 16];
            var partial = new List<byte>(); // a line whose end has not been appended yet
            while (!stop.IsCancellationRequested)
            {
                var read = input.Read(buffer);
                if (read == 0)
                {
                    stop.Token.WaitHandle.WaitOne(idle);
                    continue;
                }

                var start = 0;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        continue;
                    }

                    string value;
                    if (partial.Count > 0)
                    {
                        partial.AddRange(buffer.AsSpan(start, i - start));
                        value = Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(partial));
                        partial.Clear();
                    }
                    else
                    {
                        value = Encoding.UTF8.GetString(buffer, start, i - start);
                    }

                    producer.Send(value);
                    lines++;
                    start = i + 1;
                }

                partial.AddRange(buffer.AsSpan(start, read - start));
            }
        }

        var remaining = producer.Flush(TimeSpan.FromSeconds(30));
        if (remaining > 0 || producer.Failed > 0)
        {
            Console.Error.WriteLine($"acbench: {producer.Failed} deliveries failed (first: {producer.FirstError}), {remaining} still queued");
        }

        Console.WriteLine($"RESULT lines={lines} delivered={producer.Delivered} failed={producer.Failed} " +
                          $"vmhwm_kb={ProcessStats.PeakRssKb()} cpu_s={ProcessStats.F(ProcessStats.CpuSeconds)}");
        return producer.Failed == 0 && remaining == 0 ? 0 : 1;
    }
}
