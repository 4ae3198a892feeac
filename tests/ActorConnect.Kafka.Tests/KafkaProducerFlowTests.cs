using ActorConnect.TestSupport;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

[Collection("kafka")]
public sealed class KafkaProducerFlowTests(KafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTestBase(kafka, output)
{
    [Fact]
    public async Task Delivers_100k_messages_to_three_partitions_and_emits_every_result_in_input_order()
    {
        const int count = 100_000;
        var topic = KafkaFixture.UniqueName("producer-100k");
        await Kafka.CreateTopicAsync(topic, partitions: 3);

        var results = await Source.From(Enumerable.Range(0, count))
            .Select(i => new ProducerMessage<int>(topic, null, Bytes($"k{i}"), Bytes($"v{i}"), null, null, i))
            .Via(KafkaProducerFlow.Create<int>(ProducerSettings()))
            .RunWith(Sink.Seq<ProducerResult<int>>(), Materializer)
            .WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, count), results.Select(r => r.Message.PassThrough));
        Assert.All(results, r => Assert.True(r.IsDelivered, r.Error?.ToString()));
        var offsets = results.Select(r => r.Offset!).ToList();
        Assert.Equal(3, offsets.Select(o => o.Partition.Value).Distinct().Count());
        Assert.Equal(count, offsets.Select(o => (o.Partition.Value, o.Offset.Value)).Distinct().Count());

        var read = await Kafka.ConsumeAllAsync(topic, count, Patience);
        Assert.Equal(count, read.Count);
        Assert.Equal(count, read.Select(r => Text(r.Message.Value)).Distinct().Count());
    }

    [Fact]
    public async Task Undeliverable_messages_become_error_results_and_the_stream_goes_on()
    {
        var topic = KafkaFixture.UniqueName("producer-errors");
        await Kafka.CreateTopicAsync(topic, partitions: 3);
        var tooLarge = new byte[2 * 1024 * 1024]; // above message.max.bytes (1 MB): refused by the client
        var messages = new[]
        {
            new ProducerMessage<string>(topic, null, null, Bytes("first"), null, null, "ok-1"),
            new ProducerMessage<string>(topic, null, null, tooLarge, null, null, "too-large"),
            new ProducerMessage<string>(topic, 42, null, Bytes("nowhere"), null, null, "no-such-partition"),
            new ProducerMessage<string>(topic, 1, null, Bytes("last"), null, null, "ok-2"),
        };

        var results = await Source.From(messages)
            .Via(KafkaProducerFlow.Create<string>(ProducerSettings()))
            .RunWith(Sink.Seq<ProducerResult<string>>(), Materializer)
            .WaitAsync(Patience);

        Assert.Equal(["ok-1", "too-large", "no-such-partition", "ok-2"], results.Select(r => r.Message.PassThrough));
        Assert.True(results[0].IsDelivered);
        Assert.False(results[1].IsDelivered);
        Assert.Equal(ErrorCode.MsgSizeTooLarge, results[1].Error!.Code);
        Assert.False(results[2].IsDelivered);
        Assert.Equal(ErrorCode.Local_UnknownPartition, results[2].Error!.Code);
        Assert.True(results[3].IsDelivered);
        Assert.Equal(1, results[3].Offset!.Partition.Value);
    }

    [Fact]
    public async Task Batches_of_any_size_come_back_whole_and_in_order_even_beyond_the_in_flight_bound()
    {
        var topic = KafkaFixture.UniqueName("producer-batches");
        await Kafka.CreateTopicAsync(topic, partitions: 3);
        // Sizes around the bound of 50: empty, one message, exactly the bound, one batch larger than the bound.
        int[] sizes = [3, 0, 1, 50, 120, 7, 49];
        var batches = sizes.Select((size, b) => (IReadOnlyList<ProducerMessage<int>>)Enumerable.Range(sizes.Take(b).Sum(), size)
            .Select(i => new ProducerMessage<int>(topic, null, null, Bytes($"v{i}"), null, null, i)).ToArray()).ToList();
        var next = sizes.Sum();
        var tooLarge = new ProducerMessage<int>(topic, null, null, new byte[2 * 1024 * 1024], null, null, next);
        batches.Add([new ProducerMessage<int>(topic, 0, null, Bytes("a"), null, null, next + 1), tooLarge, new ProducerMessage<int>(topic, 2, null, Bytes("b"), null, null, next + 2)]);

        var results = await Source.From(batches)
            .Via(KafkaProducerFlow.CreateBatched<int>(ProducerSettings().WithMaxInFlight(50)))
            .RunWith(Sink.Seq<ProducerBatchResult<int>>(), Materializer)
            .WaitAsync(Patience);

        Assert.Equal([.. sizes, 3], results.Select(r => r.Count));
        Assert.Equal(Enumerable.Range(0, next + 3), results.SelectMany(r => r.Messages.Select(m => m.PassThrough)).Order());
        Assert.Equal(Enumerable.Range(0, next), results.Take(sizes.Length).SelectMany(r => r.Messages.Select(m => m.PassThrough)));
        Assert.All(results.Take(sizes.Length), r => Assert.True(r.AllDelivered));
        var mixed = results[^1];
        Assert.False(mixed.AllDelivered);
        Assert.Equal([true, false, true], Enumerable.Range(0, 3).Select(mixed.IsDelivered));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, mixed.ErrorAt(1)!.Code);
        Assert.Equal(2, mixed.OffsetAt(2)!.Partition.Value);
        Assert.Null(mixed.OffsetAt(1));

        var offsets = results.SelectMany(r => Enumerable.Range(0, r.Count).Where(r.IsDelivered).Select(i => (r.PartitionAt(i), r.KafkaOffsetAt(i)))).ToList();
        Assert.Equal(next + 2, offsets.Distinct().Count());
        var read = await Kafka.ConsumeAllAsync(topic, next + 2, Patience);
        Assert.Equal(next + 2, read.Count);
    }

    [Fact]
    public async Task Messages_that_time_out_against_an_unreachable_broker_become_error_results()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var settings = ProducerSettings().WithBootstrapServers($"127.0.0.1:{port}").WithProperty("message.timeout.ms", "300");

        var results = await Source.From(Enumerable.Range(0, 3))
            .Select(i => new ProducerMessage<int>("nowhere", null, null, Bytes($"v{i}"), null, null, i))
            .Via(KafkaProducerFlow.Create<int>(settings))
            .RunWith(Sink.Seq<ProducerResult<int>>(), Materializer)
            .WaitAsync(Patience);

        Assert.Equal([0, 1, 2], results.Select(r => r.Message.PassThrough));
        Assert.All(results, r => Assert.Equal(ErrorCode.Local_MsgTimedOut, r.Error!.Code));
    }

    [Fact]
    public async Task Headers_and_timestamps_reach_a_modern_broker_and_are_stripped_once_with_a_warning_for_a_legacy_one()
    {
        var topic = KafkaFixture.UniqueName("producer-headers");
        await Kafka.CreateTopicAsync(topic, partitions: 1);
        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var messages = Enumerable.Range(0, 3).Select(i => new ProducerMessage<int>(topic, 0, null, Bytes($"v{i}"),
            [new("trace", Bytes($"t{i}"))], stamp, i));

        IReadOnlyList<ProducerResult<int>> results = [];
        async Task Run() => results = await Source.From(messages)
            .Via(KafkaProducerFlow.Create<int>(ProducerSettings()))
            .RunWith(Sink.Seq<ProducerResult<int>>(), Materializer)
            .WaitAsync(Patience);

        if (Kafka.IsLegacyBroker)
        {
            await EventFilter.Warning(contains: "stripped").ExpectOneAsync(Run);
        }
        else
        {
            await Run();
        }

        Assert.All(results, r => Assert.True(r.IsDelivered));
        var read = await Kafka.ConsumeAllAsync(topic, 3, Patience);
        Assert.Equal(["v0", "v1", "v2"], read.Select(r => Text(r.Message.Value)));
        if (Kafka.IsLegacyBroker)
        {
            Assert.All(read, r => Assert.Empty(r.Message.Headers ?? []));
        }
        else
        {
            Assert.Equal(["t0", "t1", "t2"], read.Select(r => Text(r.Message.Headers[0].GetValueBytes())));
            Assert.All(read, r => Assert.Equal(stamp.ToUnixTimeMilliseconds(), r.Message.Timestamp.UnixTimestampMs));
        }
    }
}
