using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tasks;
using Prometheus;

namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// One worker's metrics, in a Prometheus registry of its own, so two workers in one process (tests, a host embedding
/// several) never mix or remove each other's series, and a stopped worker's series go with it. Created with the worker
/// (<see cref="TaskServices.Metrics"/>), handed to its task actors, and exported by the worker for
/// <see cref="Worker.WorkerProtocol.GetMetrics"/>.
/// </summary>
/// <remarks>
/// Kafka Connect's task metrics in Prometheus form. Each name is what the Prometheus JMX exporter makes of Kafka
/// Connect's MBean with the usual rule: <c>kafka.connect:type=source-task-metrics,connector=c,task=0</c> attribute
/// <c>source-record-poll-total</c> becomes <c>kafka_connect_source_task_metrics_source_record_poll_total{connector="c",task="0"}</c>,
/// so dashboards built on Kafka Connect map over. Totals are counters; Kafka Connect's <c>-rate</c>, <c>-avg</c>,
/// <c>-max</c> and percentage attributes are gauges over the last minute, computed when scraped.
/// </remarks>
public sealed class ConnectMetrics
{
    private static readonly string[] TaskLabels = ["connector", "task"];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TaskMetrics, byte> _live = new();
    private readonly SemaphoreSlim _scrape = new(1, 1);

    /// <summary>A worker's metrics in a new registry of their own.</summary>
    public ConnectMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Counter Counter(string group, string attribute, string help) =>
            factory.CreateCounter($"kafka_connect_{group}_{attribute}", help, new CounterConfiguration { LabelNames = TaskLabels });
        Gauge Gauge(string group, string attribute, string help) =>
            factory.CreateGauge($"kafka_connect_{group}_{attribute}", help, new GaugeConfiguration { LabelNames = TaskLabels });

        SourceRecordPollTotal = Counter("source_task_metrics", "source_record_poll_total", "Records produced by the task's poll() (before transformation).");
        SourceRecordWriteTotal = Counter("source_task_metrics", "source_record_write_total", "Records output from the transformations and written to Kafka (acknowledged).");
        SinkRecordReadTotal = Counter("sink_task_metrics", "sink_record_read_total", "Records read from Kafka by the task (before transformation).");
        SinkRecordSendTotal = Counter("sink_task_metrics", "sink_record_send_total", "Records output from the transformations and sent (put) to the task.");
        OffsetCommitCompletionTotal = Counter("sink_task_metrics", "offset_commit_completion_total", "Offset commits that completed.");
        OffsetCommitSkipTotal = Counter("sink_task_metrics", "offset_commit_skip_total", "Offset commits skipped or failed.");
        TotalRecordErrors = Counter("task_error_metrics", "total_record_errors", "Records that failed in any stage.");
        TotalRecordsSkipped = Counter("task_error_metrics", "total_records_skipped", "Records skipped because of errors (errors.tolerance=all).");
        DeadLetterQueueProduceRequests = Counter("task_error_metrics", "deadletterqueue_produce_requests", "Records written to the dead letter queue.");
        DeadLetterQueueProduceFailures = Counter("task_error_metrics", "deadletterqueue_produce_failures", "Failed writes to the dead letter queue.");

        SourceRecordPollRate = Gauge("source_task_metrics", "source_record_poll_rate", "Records per second produced by poll(), over the last minute.");
        SourceRecordWriteRate = Gauge("source_task_metrics", "source_record_write_rate", "Records per second written to Kafka, over the last minute.");
        PollBatchAvgTimeMs = Gauge("source_task_metrics", "poll_batch_avg_time_ms", "Average time of a poll() that returned records, over the last minute.");
        SinkRecordReadRate = Gauge("sink_task_metrics", "sink_record_read_rate", "Records per second read from Kafka, over the last minute.");
        SinkRecordSendRate = Gauge("sink_task_metrics", "sink_record_send_rate", "Records per second put to the task, over the last minute.");
        PutBatchAvgTimeMs = Gauge("sink_task_metrics", "put_batch_avg_time_ms", "Average time of put(), over the last minute.");
        PutBatchMaxTimeMs = Gauge("sink_task_metrics", "put_batch_max_time_ms", "Longest put(), over the last minute.");
        BatchSizeAvg = Gauge("connector_task_metrics", "batch_size_avg", "Average records per batch (poll or put), over the last minute.");
        BatchSizeMax = Gauge("connector_task_metrics", "batch_size_max", "Largest batch (poll or put), over the last minute.");
        OffsetCommitSuccessPercentage = Gauge("connector_task_metrics", "offset_commit_success_percentage", "Share of offset commits that succeeded, over the last minute (0 to 1, as Kafka Connect).");
        OffsetCommitAvgTimeMs = Gauge("connector_task_metrics", "offset_commit_avg_time_ms", "Average time of an offset commit, over the last minute.");
        OffsetCommitMaxTimeMs = Gauge("connector_task_metrics", "offset_commit_max_time_ms", "Longest offset commit, over the last minute.");
        RecordsLag = factory.CreateGauge(
            "kafka_connect_sink_task_metrics_records_lag",
            "Records in the partition beyond the sink task's consumer position (librdkafka's view of the high watermark).",
            new GaugeConfiguration { LabelNames = ["connector", "task", "topic", "partition"] });
        Worker = new WorkerMetrics(factory);

        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var task in _live.Keys)
            {
                task.UpdateGauges();
            }
        });
    }

    /// <summary>
    /// This worker's registry: what <c>GET /metrics</c> exports (followed by the process-wide metrics prometheus-net
    /// keeps in its default registry); a host embedding the worker may export it on its own endpoint.
    /// </summary>
    public CollectorRegistry Registry { get; }

    internal WorkerMetrics Worker { get; }

    internal Counter SourceRecordPollTotal { get; }
    internal Counter SourceRecordWriteTotal { get; }
    internal Counter SinkRecordReadTotal { get; }
    internal Counter SinkRecordSendTotal { get; }
    internal Counter OffsetCommitCompletionTotal { get; }
    internal Counter OffsetCommitSkipTotal { get; }
    internal Counter TotalRecordErrors { get; }
    internal Counter TotalRecordsSkipped { get; }
    internal Counter DeadLetterQueueProduceRequests { get; }
    internal Counter DeadLetterQueueProduceFailures { get; }

    internal Gauge SourceRecordPollRate { get; }
    internal Gauge SourceRecordWriteRate { get; }
    internal Gauge PollBatchAvgTimeMs { get; }
    internal Gauge SinkRecordReadRate { get; }
    internal Gauge SinkRecordSendRate { get; }
    internal Gauge PutBatchAvgTimeMs { get; }
    internal Gauge PutBatchMaxTimeMs { get; }
    internal Gauge BatchSizeAvg { get; }
    internal Gauge BatchSizeMax { get; }
    internal Gauge OffsetCommitSuccessPercentage { get; }
    internal Gauge OffsetCommitAvgTimeMs { get; }
    internal Gauge OffsetCommitMaxTimeMs { get; }

    /// <summary>Consumer lag of a sink task's partition: records in the partition beyond the task's position.</summary>
    internal Gauge RecordsLag { get; }

    internal Counter[] Counters => [SourceRecordPollTotal, SourceRecordWriteTotal, SinkRecordReadTotal, SinkRecordSendTotal, OffsetCommitCompletionTotal, OffsetCommitSkipTotal,
        TotalRecordErrors, TotalRecordsSkipped, DeadLetterQueueProduceRequests, DeadLetterQueueProduceFailures];

    internal Gauge[] WindowGauges => [SourceRecordPollRate, SourceRecordWriteRate, PollBatchAvgTimeMs, SinkRecordReadRate, SinkRecordSendRate, PutBatchAvgTimeMs, PutBatchMaxTimeMs,
        BatchSizeAvg, BatchSizeMax, OffsetCommitSuccessPercentage, OffsetCommitAvgTimeMs, OffsetCommitMaxTimeMs];

    /// <summary>The metrics of a task starting on this worker; disposing them when the task stops removes its series.</summary>
    /// <param name="id">The task.</param>
    /// <param name="secrets">Puts placeholders back into topic labels: a topic may be named by a config provider.</param>
    public TaskMetrics ForTask(ConnectorTaskId id, SecretRedactor? secrets = null)
    {
        var task = new TaskMetrics(this, id, secrets);
        _live[task] = 0;
        return task;
    }

    internal bool Forget(TaskMetrics task) => _live.TryRemove(task, out _);

    /// <summary>
    /// Prometheus' text format of this worker's metrics, the worker gauges set first from <paramref name="statuses"/>
    /// (what runs on <paramref name="workerId"/>), then the process and .NET runtime metrics of prometheus-net's default
    /// registry, which belong to the process rather than to any worker.
    /// </summary>
    public async Task<string> ExportAsTextAsync(IReadOnlyList<ConnectorStatus> statuses, string workerId, CancellationToken cancellation = default)
    {
        using var text = new MemoryStream();
        // Set and exported one scrape at a time: two at once must not export each other's half-set worker gauges.
        await _scrape.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            Worker.Update(statuses, workerId);
            await Registry.CollectAndExportAsTextAsync(text, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _scrape.Release();
        }

        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text, cancellation).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }
}
