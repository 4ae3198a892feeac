using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// acbench cdc-latency: reads a CDC topic (JsonConverter with schemas) from its start until <c>count</c> changes came,
/// and times each from its row's <c>sent_us</c> (the inserting statement's clock_timestamp(), same machine) to its
/// arrival here: PostgreSQL's commit, the WAL, the connector, Kafka and this consumer.
/// </summary>
internal static class CdcLatency
{
    public static int Run(string bootstrap, string topic, long count, double timeoutSeconds, IReadOnlyDictionary<string, string> options)
    {
        var legacy = Broker.IsLegacy(bootstrap, options);
        var config = Broker.Configure(new ConsumerConfig { GroupId = $"acbench-cdc-latency-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false },
            bootstrap, legacy);
        using var consumer = new ConsumerBuilder<Ignore, byte[]?>(config).SetLogHandler((_, m) => Broker.Log(m)).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        while (latencies.Count < count && clock.Elapsed.TotalSeconds < timeoutSeconds)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message.Value is not { } value)
            {
                continue;
            }

            var nowUs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
            using var json = JsonDocument.Parse(value);
            if (json.RootElement.GetProperty("payload").GetProperty("after") is { ValueKind: JsonValueKind.Object } after)
            {
                latencies.Add((nowUs - after.GetProperty("sent_us").GetInt64()) / 1000.0);
            }
        }

        if (latencies.Count < count)
        {
            Console.WriteLine($"RESULT count={latencies.Count} failed=1");
            return 1;
        }

        var sorted = latencies.Order().ToArray();
        double Percentile(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"RESULT count={sorted.Length} p50_ms={ProcessStats.F(Percentile(0.50))} p99_ms={ProcessStats.F(Percentile(0.99))} max_ms={ProcessStats.F(sorted[^1])}");
        return 0;
    }
}
