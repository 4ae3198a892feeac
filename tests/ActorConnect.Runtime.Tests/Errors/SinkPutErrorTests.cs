using System.Text;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// What a sink task's put() may do about records it cannot write, on an in-memory Kafka: throw a RetriableException,
/// and get the same batch again after a backoff while it stays RUNNING in its group; or hand single records to the
/// errant record reporter, which sends them to the dead-letter queue and lets the rest of the batch through.
/// </summary>
public sealed class SinkPutErrorTests(InMemoryKafka kafka) : IClassFixture<InMemoryKafka>
{
    [Fact]
    public async Task A_retriable_exception_from_put_redelivers_the_same_batch_and_the_task_stays_running()
    {
        const int records = 300;
        var topic = await ProduceAsync("put-retry", Enumerable.Range(0, records).Select(i => $"v{i}"));
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", nameof(CollectingSinkConnector)), ("topics", topic), ("retriable.failures", "3"));

        var collector = SinkCollector.For(topic);
        await Eventually.AssertAsync(() => collector.Records.Count >= records, TimeSpan.FromMinutes(1), "every record is put once the target is back");

        // The three refused batches and the accepted one are the same records; everything arrives once, in order.
        var batches = collector.Batches.ToList();
        Assert.True(batches.Count >= 4, $"{batches.Count} put() calls");
        Assert.All(batches.Take(4), b => Assert.Equal(batches[0], b));
        Assert.Equal(Enumerable.Range(0, records).Select(i => (long)i), collector.Records.Select(r => r.Offset));
        Assert.Single(collector.Generations.Distinct()); // the consumer never lost its partitions while the batch waited
        Assert.Equal(false, collector.HadReporter); // no dead-letter queue and no error log: no errant record reporter, as in Kafka Connect

        var status = await worker.Worker.StatusAsync(topic);
        Assert.True(status.Tasks is [{ State: ConnectState.Running, RestartCount: 0 }], WorkerHarness.Describe(status));
        await Eventually.AssertAsync(() => DeadLetters.Committed(kafka, $"connect-{topic}", topic, 1)[0] == records,
            TimeSpan.FromSeconds(30), "the offsets are committed after the redelivered batch");
    }

    [Fact]
    public async Task Records_handed_to_the_errant_record_reporter_go_to_the_dead_letter_queue_and_the_rest_is_written()
    {
        const int records = 200;
        var values = Enumerable.Range(0, records).Select(i => i % 50 == 7 ? $"bad-{i}" : $"ok-{i}").ToList();
        var topic = await ProduceAsync("errant", values);
        var dlq = KafkaFixture.UniqueName("errant-dlq");
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", nameof(CollectingSinkConnector)), ("topics", topic), ("errant.marker", "bad"),
            ("errors.tolerance", "all"), ("errors.deadletterqueue.topic.name", dlq), ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true"));

        var collector = SinkCollector.For(topic);
        await Eventually.AssertAsync(() => collector.Records.Count + collector.Reported.Count >= records, TimeSpan.FromMinutes(1), "every record was put");
        Assert.Equal(true, collector.HadReporter);
        Assert.Equal(values.Where(v => v.StartsWith("ok", StringComparison.Ordinal)), collector.Records.Select(r => r.Value));

        var letters = await DeadLetters.ReadAsync(kafka, dlq, 4);
        Assert.Equal([7L, 57, 107, 157], letters.Select(l => long.Parse(l["offset"])).Order());
        Assert.All(letters, l =>
        {
            Assert.Equal($"bad-{l["offset"]}", l.ValueText);
            Assert.Equal("TASK_PUT", l["stage"]);
            Assert.Equal(typeof(CollectingSinkTask).FullName, l["class.name"]);
            Assert.Equal(typeof(InvalidOperationException).FullName, l["exception.class.name"]);
            Assert.Equal($"the target refuses 'bad-{l["offset"]}'", l["exception.message"]);
            Assert.Equal(topic, l["topic"]);
            Assert.Equal("0", l["partition"]);
        });

        await Eventually.AssertAsync(() => DeadLetters.Committed(kafka, $"connect-{topic}", topic, 1)[0] == records,
            TimeSpan.FromSeconds(30), "the reported records count as consumed");
        var status = await worker.Worker.StatusAsync(topic);
        Assert.True(status.Tasks is [{ State: ConnectState.Running, RestartCount: 0 }], WorkerHarness.Describe(status));
    }

    private async Task<string> ProduceAsync(string prefix, IEnumerable<string> values)
    {
        var topic = KafkaFixture.UniqueName(prefix);
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, values.Select(v => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes(v))), 0);
        return topic;
    }
}
