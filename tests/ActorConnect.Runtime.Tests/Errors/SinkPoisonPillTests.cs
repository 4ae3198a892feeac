using System.Text;
using ActorConnect.Api.Errors;
using ActorConnect.Converters;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// 10,000 records on three partitions, one of them a value the JsonConverter cannot parse, through a sink connector
/// on an in-memory Kafka: tolerated, it goes to the dead-letter queue with its context and everything else reaches the
/// sink; not tolerated, the task fails naming the converter error and the record, with the records before it committed.
/// </summary>
public sealed class SinkPoisonPillTests(InMemoryKafka kafka) : IClassFixture<InMemoryKafka>
{
    private const int PillPartition = 1;
    private const long PillOffset = 1234;
    private static readonly int[] PerPartition = [3334, 3333, 3333];
    private static readonly byte[] Pill = Encoding.UTF8.GetBytes("{\"n\": this is not JSON");

    [Fact]
    public async Task With_tolerance_all_9999_records_reach_the_sink_and_the_pill_lands_in_the_dead_letter_queue_with_its_context()
    {
        var topic = await ProduceAsync("pill-all");
        var dlq = KafkaFixture.UniqueName("pill-dlq");
        await using var worker = WorkerHarness.Start(kafka);
        var errorLog = ErrorLogProbe.Attach(worker.Worker.System);
        await worker.CreateAsync(Config(topic,
            ("errors.tolerance", "all"),
            ("errors.deadletterqueue.topic.name", dlq),
            ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true"),
            ("errors.log.enable", "true"),
            ("errors.log.include.messages", "true")));

        var collector = SinkCollector.For(topic);
        await Eventually.AssertAsync(() => collector.Records.Select(r => (r.Partition, r.Offset)).Distinct().Count() >= 9_999,
            TimeSpan.FromMinutes(2), "every record but the pill reaches put()");
        var received = collector.Records.Select(r => (r.Partition, r.Offset)).Distinct().ToList();
        Assert.Equal(9_999, received.Count);
        Assert.DoesNotContain((PillPartition, PillOffset), received);

        var letter = Assert.Single(await DeadLetters.ReadAsync(kafka, dlq, 1));
        Assert.Equal(kafka.IsLegacyBroker, letter.WasEnvelope);
        Assert.Equal(Pill, letter.Value);
        Assert.Equal("pill", Encoding.UTF8.GetString(letter.Key!));
        Assert.Equal(topic, letter["topic"]);
        Assert.Equal(PillPartition.ToString(), letter["partition"]);
        Assert.Equal(PillOffset.ToString(), letter["offset"]);
        Assert.Equal(topic, letter["connector.name"]);
        Assert.Equal("0", letter["task.id"]);
        Assert.Equal("VALUE_CONVERTER", letter["stage"]);
        Assert.Equal(typeof(JsonConverter).FullName, letter["class.name"]);
        Assert.Equal(typeof(DataException).FullName, letter["exception.class.name"]);
        Assert.Contains("serialization error", letter["exception.message"]);
        Assert.Contains("JsonConverter", letter["exception.stacktrace"]);

        // The pill counts as consumed: the committed offsets reach the end of every partition.
        await Eventually.AssertAsync(() =>
        {
            var committed = DeadLetters.Committed(kafka, $"connect-{topic}", topic, PerPartition.Length);
            return Enumerable.Range(0, PerPartition.Length).All(p => committed[p] == PerPartition[p]);
        }, TimeSpan.FromSeconds(60), "the committed offsets cover every record, the pill included");

        var status = await worker.Worker.StatusAsync(topic);
        Assert.True(status.Tasks is [{ State: ConnectState.Running, RestartCount: 0 }], WorkerHarness.Describe(status));

        // errors.log.enable with include.messages: one line naming the task, stage, class, record and its content.
        var logged = Assert.Single(errorLog, l => l.StartsWith("Error encountered in task", StringComparison.Ordinal));
        Assert.StartsWith($"Error encountered in task {topic}-0 while performing VALUE_CONVERTER operation with class '{typeof(JsonConverter).FullName}' " +
                          $"on the record at topic '{topic}' partition {PillPartition} offset {PillOffset}, with record = {{key=pill, value={Encoding.UTF8.GetString(Pill)}", logged);
    }

    [Fact]
    public async Task With_tolerance_none_the_task_fails_naming_the_converter_error_and_the_record_and_the_records_before_it_stay_committed()
    {
        var topic = await ProduceAsync("pill-none");
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(Config(topic));

        var status = await worker.WaitForAsync(topic, s => s.Tasks is [{ State: ConnectState.Failed }], TimeSpan.FromMinutes(3));
        var trace = status.Tasks[0].Trace!;
        Assert.StartsWith("System.Text.Json.", trace.Split('\n')[0]); // the root cause first: the JSON parser's own error
        Assert.Contains("Tolerance exceeded in error handler", trace);
        Assert.Contains($"VALUE_CONVERTER with class '{typeof(JsonConverter).FullName}'", trace);
        Assert.Contains($"topic '{topic}' partition {PillPartition} offset {PillOffset}", trace);
        Assert.Contains("Converting byte[] to Kafka Connect data failed due to serialization error", trace);

        // Every record before the pill in its partition reached put(), none after it did, and each partition's committed
        // offset is exactly where the task stopped: the pill's partition resumes at the pill.
        var collector = SinkCollector.For(topic);
        var pillPartition = collector.Records.Where(r => r.Partition == PillPartition).Select(r => r.Offset).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(0, (int)PillOffset).Select(i => (long)i), pillPartition);
        await Eventually.AssertAsync(() =>
        {
            var committed = DeadLetters.Committed(kafka, $"connect-{topic}", topic, PerPartition.Length);
            return Enumerable.Range(0, PerPartition.Length).All(p =>
                committed[p] == (collector.Records.Where(r => r.Partition == p).Select(r => r.Offset + 1).DefaultIfEmpty(-1001).Max()));
        }, TimeSpan.FromSeconds(30), "each partition's committed offset follows the last record put");
        Assert.Equal(PillOffset, DeadLetters.Committed(kafka, $"connect-{topic}", topic, PerPartition.Length)[PillPartition]);
    }

    private (string, string)[] Config(string topic, params (string, string)[] extra) =>
    [
        ("name", topic),
        ("connector.class", nameof(CollectingSinkConnector)),
        ("topics", topic),
        ("value.converter", "org.apache.kafka.connect.json.JsonConverter"),
        ("value.converter.schemas.enable", "false"),
        .. extra,
    ];

    private async Task<string> ProduceAsync(string prefix)
    {
        var topic = KafkaFixture.UniqueName(prefix);
        await kafka.CreateTopicAsync(topic, PerPartition.Length);
        for (var p = 0; p < PerPartition.Length; p++)
        {
            var partition = p;
            var messages = Enumerable.Range(0, PerPartition[p]).Select(i => partition == PillPartition && i == PillOffset
                ? (Encoding.UTF8.GetBytes("pill"), Pill)
                : (Encoding.UTF8.GetBytes($"k{partition}-{i}"), Encoding.UTF8.GetBytes($"{{\"p\":{partition},\"n\":{i}}}")));
            await kafka.ProduceAsync(topic, messages.Select(m => ((byte[]?)m.Item1, (byte[]?)m.Item2)), partition);
        }

        return topic;
    }
}
