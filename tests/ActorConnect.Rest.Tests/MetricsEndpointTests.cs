using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

public sealed class MetricsWorker : RestWorkerFixture;

/// <summary><c>GET /metrics</c> reports what a known run did, under Kafka Connect's metric names.</summary>
[Collection("kafka")]
public sealed class MetricsEndpointTests(KafkaFixture kafka, MetricsWorker fixture) : RestTestBase<MetricsWorker>(kafka, fixture), IClassFixture<MetricsWorker>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ten_thousand_lines_in_and_out_show_as_ten_thousand_polled_written_read_and_sent()
    {
        var source = Unique("metrics-source");
        var sink = Unique("metrics-sink");
        var topic = Unique("metrics");
        var input = FileIn(source + ".txt");
        var output = FileIn(sink + ".txt");
        await CreateTopicAsync(topic);
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 10_000).Select(i => $"line {i}"));

        await Rest.CreateAsync(source, RestWorker.FileSource(input, topic));
        await Rest.CreateAsync(sink, new JsonObject
        {
            ["connector.class"] = "FileStreamSink",
            ["tasks.max"] = "1",
            ["file"] = output,
            ["topics"] = topic,
        });
        await Eventually.AssertAsync(() => File.Exists(output) && File.ReadLines(output).Count() == 10_000, Wait, "the sink file holds every line");

        // Totals count as the records go; the sink's lag reaches 0 once the consumer has fetched to the end.
        string text = "";
        await Eventually.AssertAsync(async () =>
        {
            var reply = await Rest.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.StartsWith("text/plain", reply.ContentHeaders!.ContentType!.ToString(), StringComparison.Ordinal);
            text = reply.Body;
            Assert.Equal(10_000, Value(text, "kafka_connect_source_task_metrics_source_record_poll_total", source));
            Assert.Equal(10_000, Value(text, "kafka_connect_source_task_metrics_source_record_write_total", source));
            Assert.Equal(10_000, Value(text, "kafka_connect_sink_task_metrics_sink_record_read_total", sink));
            Assert.Equal(10_000, Value(text, "kafka_connect_sink_task_metrics_sink_record_send_total", sink));
            Assert.Equal(0, Value(text, "kafka_connect_sink_task_metrics_records_lag", sink, $"topic=\"{topic}\",partition=\"0\""));
        }, Wait, TimeSpan.FromMilliseconds(500));

        Assert.True(Value(text, "kafka_connect_source_task_metrics_source_record_poll_rate", source) > 0);
        Assert.True(Value(text, "kafka_connect_connector_task_metrics_batch_size_avg", sink) > 0);
        Assert.Equal(2, Value(text, "kafka_connect_connect_worker_metrics_task_count", null));
        Assert.Equal(1, Value(text, "kafka_connect_connect_worker_metrics_connector_task_count", null, $"connector=\"{source}\",state=\"running\""));
        Assert.Equal(0, Value(text, "kafka_connect_connect_worker_metrics_connector_task_count", null, $"connector=\"{source}\",state=\"failed\""));
        Assert.Equal(0, Value(text, "kafka_connect_task_error_metrics_total_record_errors", sink, allowMissing: true));

        // A restarted sink task has nothing left to read, so librdkafka gives its partition no position: the lag comes
        // from the committed offset (or, for a partition the source left empty, auto.offset.reset), and stays, at 0.
        var restart = await Rest.PostAsync($"/connectors/{sink}/tasks/0/restart");
        Assert.True(restart.Status == HttpStatusCode.NoContent, restart.ToString());
        await Rest.WaitForStatusAsync(sink, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        await Eventually.AssertAsync(async () =>
        {
            var afterRestart = (await Rest.GetAsync("/metrics")).Body;
            Assert.Equal(0, Value(afterRestart, "kafka_connect_sink_task_metrics_records_lag", sink, $"topic=\"{topic}\",partition=\"0\""));
        }, Wait, TimeSpan.FromMilliseconds(500));

        // A paused sink's lag follows its topic (the broker is asked, as nothing is fetched): 500 more lines, 500 lag.
        Assert.Equal(HttpStatusCode.Accepted, (await Rest.PutAsync($"/connectors/{sink}/pause")).Status);
        await Rest.WaitForStatusAsync(sink, s => RestWorker.States(s) == "PAUSED [PAUSED]");
        await File.AppendAllLinesAsync(input, Enumerable.Range(10_000, 500).Select(i => $"line {i}"));
        await Eventually.AssertAsync(async () =>
        {
            var paused = (await Rest.GetAsync("/metrics")).Body;
            Assert.Equal(10_500, Value(paused, "kafka_connect_source_task_metrics_source_record_write_total", source));
            Assert.Equal(500, LagOverPartitions(paused, sink, topic));
        }, Wait, TimeSpan.FromMilliseconds(500));

        // A deleted connector's series go with its tasks.
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{source}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{sink}")).Status);
        var after = (await Rest.GetAsync("/metrics")).Body;
        Assert.DoesNotContain($"connector=\"{source}\",task=", after, StringComparison.Ordinal);
        Assert.Equal(0, Value(after, "kafka_connect_connect_worker_metrics_task_count", null));
    }

    [Fact]
    public async Task Two_workers_in_one_process_each_export_only_their_own_connectors_series()
    {
        var other = await RestWorker.StartAsync(Kafka);
        var stopped = false;
        try
        {
            await RunBothAsync();
        }
        finally
        {
            if (!stopped)
            {
                await other.DisposeAsync();
            }
        }

        async Task RunBothAsync()
        {
            var mine = Unique("metrics-mine");
            var theirs = Unique("metrics-theirs");
            foreach (var (worker, name) in new[] { (Rest, mine), (other, theirs) })
            {
                var topic = Unique("metrics-worker");
                await CreateTopicAsync(topic);
                var input = Path.Combine(worker.Dir, name + ".txt");
                await File.WriteAllLinesAsync(input, ["a", "b", "c"]);
                await worker.CreateAsync(name, RestWorker.FileSource(input, topic));
            }

            foreach (var (worker, own, foreign) in new[] { (Rest, mine, theirs), (other, theirs, mine) })
            {
                await Eventually.AssertAsync(async () =>
                {
                    var text = (await worker.GetAsync("/metrics")).Body;
                    Assert.Equal(3, Value(text, "kafka_connect_source_task_metrics_source_record_write_total", own));
                    Assert.DoesNotContain($"connector=\"{foreign}\"", text, StringComparison.Ordinal);
                }, Wait, TimeSpan.FromMilliseconds(200));
            }

            Assert.Equal(1, Value((await other.GetAsync("/metrics")).Body, "kafka_connect_connect_worker_metrics_task_count", null));

            // The other worker stopping takes its series with it and leaves this worker's as they were.
            await other.DisposeAsync();
            stopped = true;
            var after = (await Rest.GetAsync("/metrics")).Body;
            Assert.Equal(3, Value(after, "kafka_connect_source_task_metrics_source_record_write_total", mine));
            Assert.DoesNotContain($"connector=\"{theirs}\"", after, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync($"/connectors/{mine}")).Status);
        }
    }

    /// <summary>The lag of task 0 of <paramref name="connector"/>, summed over the partitions of <paramref name="topic"/>.</summary>
    private static double LagOverPartitions(string text, string connector, string topic)
    {
        var pattern = $"^kafka_connect_sink_task_metrics_records_lag\\{{connector=\"{Regex.Escape(connector)}\",task=\"0\",topic=\"{Regex.Escape(topic)}\",partition=\"\\d+\"\\}} (\\S+)$";
        return Regex.Matches(text, pattern, RegexOptions.Multiline).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The value of one series: <paramref name="connector"/> and task 0, or the given labels.</summary>
    private static double Value(string text, string name, string? connector, string? labels = null, bool allowMissing = false)
    {
        var wanted = labels ?? (connector is null ? null : $"connector=\"{connector}\",task=\"0\"");
        if (connector is not null && labels is not null)
        {
            wanted = $"connector=\"{connector}\",task=\"0\",{labels}";
        }

        var pattern = wanted is null ? $"^{Regex.Escape(name)} (\\S+)$" : $"^{Regex.Escape(name)}\\{{{Regex.Escape(wanted)}\\}} (\\S+)$";
        var match = Regex.Match(text, pattern, RegexOptions.Multiline);
        if (!match.Success)
        {
            return allowMissing ? 0 : throw new Xunit.Sdk.XunitException($"No series {name}{{{wanted}}} in /metrics");
        }

        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
