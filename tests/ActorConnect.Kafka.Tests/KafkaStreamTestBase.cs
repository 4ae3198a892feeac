using System.Text;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

/// <summary>
/// An ActorSystem with a pinned dispatcher for consumer stages, plus settings pointed at the shared broker.
/// </summary>
/// <remarks>
/// Timeouts in these tests are safety nets against hanging, never assertions about speed.
/// </remarks>
public abstract class KafkaStreamTestBase : Akka.TestKit.Xunit2.TestKit
{
    public const string ConsumerDispatcher = "kafka-consumer-dispatcher";

    /// <summary>Upper bound for anything that should take seconds; only there so that a bug fails instead of hanging.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private const string Config = """
        akka.loglevel = INFO
        akka.test.default-timeout = 30s
        kafka-consumer-dispatcher {
          type = PinnedDispatcher
        }
        """;

    protected KafkaStreamTestBase(KafkaFixture kafka, ITestOutputHelper output) : base(Config, output: output)
    {
        Kafka = kafka;
        Materializer = Sys.Materializer();
    }

    protected KafkaFixture Kafka { get; }

    protected IMaterializer Materializer { get; }

    protected BrokerFeatures Features => Kafka.IsLegacyBroker ? BrokerFeatures.Legacy : BrokerFeatures.Modern;

    protected ProducerSettings ProducerSettings() =>
        new ProducerSettings(Kafka.BootstrapServers).WithBrokerFeatures(Features);

    /// <summary>Short session and poll intervals so that rebalances in tests take about a second, not 45.</summary>
    protected ConsumerSettings ConsumerSettings(string groupId) =>
        new ConsumerSettings(Kafka.BootstrapServers, groupId)
            .WithBrokerFeatures(Features)
            .WithDispatcher(ConsumerDispatcher)
            .WithProperties(new Dictionary<string, string>
            {
                ["session.timeout.ms"] = "6000",
                ["heartbeat.interval.ms"] = "500",
                ["max.poll.interval.ms"] = "6000",
            });

    /// <summary>Runs a consumer source over <paramref name="topic"/> into a test probe that requests nothing yet.</summary>
    protected (IConsumerControl Control, TestSubscriber.Probe<ConsumedRecord> Probe) Consume(
        ConsumerSettings settings, string topic, IPartitionListener? listener = null) =>
        KafkaConsumerSource.Create(settings, Subscription.ForTopics(topic), listener)
            .ToMaterialized(this.SinkProbe<ConsumedRecord>(), Keep.Both)
            .Run(Materializer);

    /// <summary>Waits for a condition, checked every 50 ms (the TestKit's default interval is a tenth of the timeout).</summary>
    protected Task WaitUntilAsync(Func<bool> condition, string because) =>
        AwaitConditionAsync(() => Task.FromResult(condition()), Patience, TimeSpan.FromMilliseconds(50), because);

    /// <summary>A flag set as soon as a warning containing <paramref name="marker"/> is logged anywhere in the system.</summary>
    protected ManualResetEventSlim WatchWarnings(string marker)
    {
        var seen = new ManualResetEventSlim();
        var watcher = Sys.ActorOf(Props.Create(() => new WarningWatcher(marker, seen)));
        Sys.EventStream.Subscribe(watcher, typeof(Warning));
        return seen;
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    /// <summary>Writes <paramref name="count"/> records with values "v0".."v{count-1}" (keys "k0"...) through the fixture.</summary>
    protected async Task<string> CreateTopicWithRecordsAsync(string prefix, int count, int partitions = 3)
    {
        var topic = KafkaFixture.UniqueName(prefix);
        await Kafka.CreateTopicAsync(topic, partitions);
        await Kafka.ProduceAsync(topic, Enumerable.Range(0, count).Select(i => ((byte[]?)Bytes($"k{i}"), (byte[]?)Bytes($"v{i}"))));
        return topic;
    }

    private sealed class WarningWatcher : ReceiveActor
    {
        public WarningWatcher(string marker, ManualResetEventSlim seen) =>
            Receive<Warning>(w => w.ToString().Contains(marker, StringComparison.Ordinal), _ => seen.Set());
    }
}
