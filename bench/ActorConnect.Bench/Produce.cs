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
        var legacy = Broker.IsLegacy(bootstrap, options);
        var config = Broker.Configure(new ProducerConfig
        {
            Acks = Acks.All,
            LingerMs = 5,
            EnableIdempotence = false, // the 0.9 broker cannot do it; a modern broker would default it on
        }, bootstrap, legacy);

        long delivered = 0, failed = 0;
        string? firstError = null;
        void OnDelivery(DeliveryReport<Null, string> r)
        {
            if (r.Error.IsError)
            {
                if (Interlocked.Increment(ref failed) == 1)
                {
                    firstError = r.Error.ToString();
                }
            }
            else
            {
                Interlocked.Increment(ref delivered);
            }
        }

        using var producer = new ProducerBuilder<Null, string>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
        var loop = Stopwatch.StartNew();
        long lines = 0;
        using (var reader = new StreamReader(file, System.Text.Encoding.UTF8, false, 1 << 16))
        {
            while (reader.ReadLine() is { } line)
            {
                var message = new Message<Null, string> { Value = line };
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, message, OnDelivery);
                        break;
                    }
                    catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(5)); // let deliveries drain the local queue
                    }
                }

                lines++;
            }
        }

        var remaining = producer.Flush(TimeSpan.FromMinutes(5));
        var loopSeconds = loop.Elapsed.TotalSeconds;
        var seconds = ProcessStats.SecondsSinceStart;
        if (remaining > 0 || failed > 0)
        {
            Console.Error.WriteLine($"acbench: {failed} deliveries failed (first: {firstError}), {remaining} still queued");
        }

        Console.WriteLine($"RESULT lines={lines} delivered={Interlocked.Read(ref delivered)} failed={failed} seconds={ProcessStats.F(seconds)} " +
                          $"rate={ProcessStats.F(lines / seconds)} loop_seconds={ProcessStats.F(loopSeconds)} loop_rate={ProcessStats.F(lines / loopSeconds)} " +
                          $"vmhwm_kb={ProcessStats.PeakRssKb()} cpu_s={ProcessStats.F(ProcessStats.CpuSeconds)}");
        Console.Error.WriteLine($"acbench: {(preload ? "preloaded" : "produced")} {lines} lines to {topic} in {loopSeconds:0.000} s ({lines / loopSeconds:0} lines/s; {seconds:0.000} s from process start)");
        return failed == 0 && remaining == 0 ? 0 : 1;
    }
}
