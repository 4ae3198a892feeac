using System.Diagnostics;
using System.Text;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.TestSupport;
using Akka.Configuration;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// A sink whose put() stalls, through the whole runtime on a real broker: the task is handed one batch and no more,
/// the consumer stage holds at most <c>actorconnect.sink.max-buffered-records</c>, and the consumer stays in its group
/// however long the stall lasts (longer than <c>max.poll.interval.ms</c>); once put() returns, every record arrives
/// exactly once and in order per partition.
/// </summary>
[Collection("kafka")]
public sealed class SinkBackpressureTests(KafkaFixture kafka)
{
    private const int Records = 20_000;
    private const int Partitions = 3;
    private const int MaxBufferedRecords = 500;
    private const int MaxBatchRecords = 100;
    private const int MaxPollIntervalMs = 6000;

    [Fact]
    public async Task A_stalled_put_holds_one_batch_keeps_the_consumer_buffer_bounded_and_keeps_the_group_then_everything_arrives_once_in_order()
    {
        var topic = KafkaFixture.UniqueName("gated-sink");
        await kafka.CreateTopicAsync(topic, Partitions);
        var expected = Enumerable.Range(0, Partitions)
            .ToDictionary(p => p, p => Enumerable.Range(0, Records / Partitions + (p < Records % Partitions ? 1 : 0)).Select(i => $"{p}:{i:D5}").ToList());
        foreach (var (partition, values) in expected)
        {
            await kafka.ProduceAsync(topic, values.Select(v => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes(v))), partition);
        }

        Assert.Equal(Records, expected.Values.Sum(v => v.Count));

        var probe = SinkProbe.For(topic);
        probe.Gate.Reset(); // put() stalls from the first batch on
        using var dir = RepoPaths.CreateTempDirectory("backpressure");
        var hocon = ConfigurationFactory.ParseString(
            $"actorconnect.sink {{ max-buffered-records = {MaxBufferedRecords}, max-batch-records = {MaxBatchRecords} }}");
        var config = WorkerConfig.ParseStandalone(TestWorkerProps.For(kafka, Path.Combine(dir.Path, "connect.offsets"), extra:
        [
            ("consumer.max.poll.interval.ms", MaxPollIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("consumer.session.timeout.ms", "6000"),
        ]));
        var worker = StandaloneWorker.Start(config, hocon, "backpressure-worker", typeof(ObservedSinkConnector).Assembly);
        try
        {
            await worker.CreateConnectorAsync(new Dictionary<string, string>
            {
                ["name"] = topic,
                ["connector.class"] = nameof(ObservedSinkConnector),
                ["topics"] = topic,
            });

            // The first batch is in put(), and the consumer filled its buffer up to the bound while put() stalls.
            await Eventually.AssertAsync(
                () => probe.HandedCount > 0 && probe.Controls.TryGetValue(0, out var c) && c.BufferedCount == MaxBufferedRecords,
                TimeSpan.FromSeconds(60),
                $"put() is called and the consumer buffer fills to {MaxBufferedRecords}");
            var control = probe.Controls[0];
            var generation = control.AssignmentGeneration;

            // Keep put() stalled for well over max.poll.interval.ms (a consumer that stopped polling would be dropped from
            // its group by then), checking the bounds all along: this wait is the stall itself, not a synchronisation.
            var stalled = Stopwatch.StartNew();
            var samples = 0;
            await Eventually.AssertAsync(() =>
            {
                Assert.InRange(probe.HandedCount, 1, MaxBatchRecords);
                Assert.InRange(control.BufferedCount, 0, MaxBufferedRecords);
                Assert.Equal(generation, control.AssignmentGeneration);
                Assert.Equal(Partitions, control.Assignment.Count);
                samples++;
                return stalled.Elapsed > TimeSpan.FromMilliseconds(2 * MaxPollIntervalMs + 2000);
            }, TimeSpan.FromMinutes(1), "the stall lasts twice max.poll.interval.ms");
            Assert.True(samples > 10, $"the bounds were checked throughout the stall ({samples} samples)");

            var during = await worker.StatusAsync(topic);
            Assert.True(during.Tasks.Count == 1 && during.Tasks[0].State == ConnectState.Running && during.Tasks[0].RestartCount == 0, WorkerHarness.Describe(during));
            Assert.Empty(probe.Violations);
            Assert.Equal("task 0 Open [0,1,2]", probe.Describe()); // no close, no second open

            probe.Gate.Set();
            await Eventually.AssertAsync(
                () => probe.Delivered.Select(d => (d.Partition, d.Offset)).Distinct().Count() >= Records,
                TimeSpan.FromMinutes(2),
                "every record reaches put() once the stall ends");

            // Exactly once, in order per partition, never more than one batch per put(), never more buffered than the bound.
            var delivered = probe.Delivered.ToList();
            Assert.Equal(Records, delivered.Count);
            foreach (var (partition, values) in expected)
            {
                Assert.Equal(values, delivered.Where(d => d.Partition == partition).Select(d => d.Value));
                Assert.Equal(Enumerable.Range(0, values.Count).Select(i => (long)i), delivered.Where(d => d.Partition == partition).Select(d => d.Offset));
            }

            Assert.InRange(probe.LargestPut, 1, MaxBatchRecords);
            Assert.InRange(control.PeakBufferedCount, 1, MaxBufferedRecords);

            // The consumer was never dropped from its group: the partitions were opened once and never closed, the
            // consumer saw one assignment, and the task was never restarted.
            Assert.Equal(generation, control.AssignmentGeneration);
            Assert.Equal("task 0 Open [0,1,2]", probe.Describe());
            Assert.Empty(probe.Violations);
            var after = await worker.StatusAsync(topic);
            Assert.True(after.Tasks[0].State == ConnectState.Running && after.Tasks[0].RestartCount == 0, WorkerHarness.Describe(after));

            await worker.DeleteConnectorAsync(topic);
            Assert.Contains("task 0 Close [0,1,2]", probe.Describe());
            Assert.Equal(Records, probe.Delivered.Count);
        }
        finally
        {
            probe.Gate.Set();
            await worker.StopAsync();
        }
    }
}
