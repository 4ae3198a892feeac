using System.Text;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.TestKit;
using ActorConnect.TestSupport;
using Confluent.Kafka;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// Dead-letter queues on a broker that stores record headers (librdkafka's mock cluster, as the shared broker is 0.9):
/// the failed record keeps its bytes and headers unchanged and gets Kafka Connect's <c>__connect.errors.*</c> headers,
/// with no envelope.
/// </summary>
public sealed class ModernBrokerDeadLetterTests
{
    [Fact]
    public async Task A_sinks_dead_letter_keeps_the_original_bytes_and_headers_and_adds_the_context_headers()
    {
        using var cluster = new MockKafkaCluster();
        var topic = KafkaFixture.UniqueName("modern-pill");
        var dlq = KafkaFixture.UniqueName("modern-dlq");
        var pill = Encoding.UTF8.GetBytes("{not json");
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes($"k{i}"),
                    Value = i == 13 ? pill : Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"),
                    Headers = new Headers { { "trace", Encoding.UTF8.GetBytes($"t{i}") } },
                });
            }
        }

        await using var worker = WorkerHarness.Start(cluster.BootstrapServers);
        await worker.CreateAsync(("name", topic), ("connector.class", nameof(CollectingSinkConnector)), ("topics", topic),
            ("value.converter", "org.apache.kafka.connect.json.JsonConverter"), ("value.converter.schemas.enable", "false"),
            ("errors.tolerance", "all"), ("errors.deadletterqueue.topic.name", dlq), ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true"));

        await Eventually.AssertAsync(() => SinkCollector.For(topic).Records.Count >= 19, TimeSpan.FromMinutes(1), "every record but the pill is put");
        var letter = Assert.Single(await ReadAsync(cluster, dlq, 1));
        Assert.Equal(pill, letter.Message.Value);
        Assert.Equal("k13", Encoding.UTF8.GetString(letter.Message.Key!));
        var headers = letter.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
        Assert.Equal("t13", headers["trace"]);
        Assert.Equal(topic, headers[DeadLetterQueueReporter.TopicHeader]);
        Assert.Equal("0", headers[DeadLetterQueueReporter.PartitionHeader]);
        Assert.Equal("13", headers[DeadLetterQueueReporter.OffsetHeader]);
        Assert.Equal("VALUE_CONVERTER", headers[DeadLetterQueueReporter.StageHeader]);
        Assert.Equal(topic, headers[DeadLetterQueueReporter.ConnectorNameHeader]);
        Assert.Equal("0", headers[DeadLetterQueueReporter.TaskIdHeader]);
        Assert.Equal(typeof(Converters.JsonConverter).FullName, headers[DeadLetterQueueReporter.ClassNameHeader]);
        Assert.Equal(typeof(Api.Errors.DataException).FullName, headers[DeadLetterQueueReporter.ExceptionClassNameHeader]);
        Assert.Contains("serialization error", headers[DeadLetterQueueReporter.ExceptionMessageHeader]);
        Assert.Contains(headers[DeadLetterQueueReporter.ExceptionMessageHeader], headers[DeadLetterQueueReporter.ExceptionStacktraceHeader]);
    }

    [Fact]
    public async Task A_sources_dead_letter_carries_its_source_partition_and_offset_in_headers()
    {
        using var cluster = new MockKafkaCluster();
        var topic = KafkaFixture.UniqueName("modern-src");
        var dlq = KafkaFixture.UniqueName("modern-src-dlq");
        await using var worker = WorkerHarness.Start(cluster.BootstrapServers);
        await worker.CreateAsync(("name", topic), ("connector.class", nameof(SequenceSourceConnector)), ("topic", topic), ("records", "50"),
            ("transforms", "boom"), ("transforms.boom.type", nameof(ThrowOnValueTransformation)), ("transforms.boom.value", "0:42"),
            ("errors.tolerance", "all"), ("errors.deadletterqueue.topic.name", dlq), ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true"));

        var letter = Assert.Single(await ReadAsync(cluster, dlq, 1));
        Assert.Equal("0:42", Encoding.UTF8.GetString(letter.Message.Value!));
        var headers = letter.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
        Assert.Equal("TRANSFORMATION", headers[DeadLetterQueueReporter.StageHeader]);
        Assert.Equal("{\"task\":0}", headers[DeadLetterQueueReporter.SourcePartitionHeader]);
        Assert.Equal("{\"seq\":42}", headers[DeadLetterQueueReporter.SourceOffsetHeader]);
        Assert.Equal(topic, headers[DeadLetterQueueReporter.TopicHeader]);
    }

    private static Task<List<ConsumeResult<byte[]?, byte[]?>>> ReadAsync(MockKafkaCluster cluster, string topic, int expected) => Task.Run(() =>
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = KafkaFixture.UniqueName("dlq-reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        var results = new List<ConsumeResult<byte[]?, byte[]?>>();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
                {
                    results.Add(result);
                }
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                // The task has not written its first dead letter yet: the topic appears with it.
            }
        }

        consumer.Close();
        return results;
    });
}
