using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// A slow broker slows poll(): with Kafka made slow to acknowledge (the producer holds records back with a long
/// linger), an endless source never runs further ahead of the acknowledgements than the producer stage's bound.
/// </summary>
[Collection("kafka")]
public sealed class SourceBackpressureTests(KafkaFixture kafka)
{
    private const int MaxInFlight = 1000;

    [Fact]
    public async Task An_endless_source_is_held_to_the_in_flight_bound_while_Kafka_acknowledges_slowly()
    {
        var topic = KafkaFixture.UniqueName("slow-broker");
        await kafka.CreateTopicAsync(topic, 1);
        var dir = RepoPaths.NewTempDirectory("source-backpressure");
        var props = TestWorkerProps.For(kafka, Path.Combine(dir, "offsets"), flushMs: "200");

        var hocon = Akka.Configuration.ConfigurationFactory.ParseString($"actorconnect.source.max-in-flight = {MaxInFlight}");
        await using var worker = StandaloneWorker.Start(WorkerConfig.ParseStandalone(props), hocon, "slow-broker-worker", typeof(CountingSourceConnector).Assembly);
        await worker.CreateConnectorAsync(new Dictionary<string, string>
        {
            ["name"] = topic,
            ["connector.class"] = nameof(CountingSourceConnector),
            ["topic"] = topic,
            // Kafka acknowledges a batch only every 300 ms: the "slow broker".
            ["producer.override.linger.ms"] = "300",
            ["producer.override.batch.num.messages"] = "100000",
        });

        var counts = SourceCounts.For(topic);
        await Eventually.AssertAsync(() => counts.Acked >= 20 * MaxInFlight, TimeSpan.FromMinutes(2), "records keep flowing, at the broker's pace");

        // Poll is held back: at most the in-flight bound plus one poll's batch (100) and the channel's slack ahead of acks.
        Assert.InRange(counts.MaxAhead, 1, 2 * MaxInFlight + 100);
        Assert.True(counts.Polled - counts.Acked <= 2 * MaxInFlight + 100, $"polled {counts.Polled}, acked {counts.Acked}");
    }
}
