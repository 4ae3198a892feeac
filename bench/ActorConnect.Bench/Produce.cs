using System.Diagnostics;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// The producer ceiling: every line of the file with Produce() and a delivery handler, acks=all, linger.ms=5, then
/// Flush. What any file -> Kafka worker has to do at least, with nothing else in the way.
/// </summary>
internal static class Produce
{
    public static int Run(string bootstrap, string file, string topic, IReadOnlyDictionary<string, string> options, bool preload)
    {
        using var producer = new LineProducer(bootstrap, topic, options);
        var loop = Stopwatch.StartNew();
        long lines = 0;
        using (var reader = new StreamReader(file, System.Text.Encoding.UTF8, false, 1 << 16))
        {
            while (reader.ReadLine() is { } line)
            {
                producer.Send(line);
                lines++;
            }
        }

        var remaining = producer.Flush(TimeSpan.FromMinutes(5));
        var loopSeconds = loop.Elapsed.TotalSeconds;
        var seconds = ProcessStats.SecondsSinceStart;
        if (remaining > 0 || producer.Failed > 0)
        {
            Console.Error.WriteLine($"acbench: {producer.Failed} deliveries failed (first: {producer.FirstError}), {remaining} still queued");
        }

        Console.WriteLine($"RESULT lines={lines} delivered={producer.Delivered} failed={producer.Failed} seconds={ProcessStats.F(seconds)} " +
                          $"rate={ProcessStats.F(lines / seconds)} loop_seconds={ProcessStats.F(loopSeconds)} loop_rate={ProcessStats.F(lines / loopSeconds)} " +
                          $"vmhwm_kb={ProcessStats.PeakRssKb()} cpu_s={ProcessStats.F(ProcessStats.CpuSeconds)}");
        Console.Error.WriteLine($"acbench: {(preload ? "preloaded" : "produced")} {lines} lines to {topic} in {loopSeconds:0.000} s ({lines / loopSeconds:0} lines/s; {seconds:0.000} s from process start)");
        return producer.Failed == 0 && remaining == 0 ? 0 : 1;
    }
}
