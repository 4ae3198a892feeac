using Prometheus;

namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// Kafka Connect's task metrics in Prometheus form. Each name is what the Prometheus JMX exporter makes of Kafka
/// Connect's MBean with the usual rule: <c>kafka.connect:type=source-task-metrics,connector=c,task=0</c> attribute
/// <c>source-record-poll-total</c> becomes <c>kafka_connect_source_task_metrics_source_record_poll_total{connector="c",task="0"}</c>,
/// so dashboards built on Kafka Connect map over. Totals are counters; Kafka Connect's <c>-rate</c>, <c>-avg</c>,
/// <c>-max</c> and percentage attributes are gauges over the last minute, computed when scraped.
/// </summary>
public static class ConnectMetrics
{
    internal static readonly string[] TaskLabels = ["connector", "task"];

    internal static readonly Counter SourceRecordPollTotal = Counter("source_task_metrics", "source_record_poll_total", "Records produced by the task's poll() (before transformation).");
    internal static readonly Counter SourceRecordWriteTotal = Counter("source_task_metrics", "source_record_write_total", "Records output from the transformations and written to Kafka (acknowledged).");
    internal static readonly Counter SinkRecordReadTotal = Counter("sink_task_metrics", "sink_record_read_total", "Records read from Kafka by the task (before transformation).");
    internal static readonly Counter SinkRecordSendTotal = Counter("sink_task_metrics", "sink_record_send_total", "Records output from the transformations and sent (put) to the task.");
    internal static readonly Counter OffsetCommitCompletionTotal = Counter("sink_task_metrics", "offset_commit_completion_total", "Offset commits that completed.");
    internal static readonly Counter OffsetCommitSkipTotal = Counter("sink_task_metrics", "offset_commit_skip_total", "Offset commits skipped or failed.");
    internal static readonly Counter TotalRecordErrors = Counter("task_error_metrics", "total_record_errors", "Records that failed in any stage.");
    internal static readonly Counter TotalRecordsSkipped = Counter("task_error_metrics", "total_records_skipped", "Records skipped because of errors (errors.tolerance=all).");
    internal static readonly Counter DeadLetterQueueProduceRequests = Counter("task_error_metrics", "deadletterqueue_produce_requests", "Records written to the dead letter queue.");
    internal static readonly Counter DeadLetterQueueProduceFailures = Counter("task_error_metrics", "deadletterqueue_produce_failures", "Failed writes to the dead letter queue.");

    internal static readonly Gauge SourceRecordPollRate = Gauge("source_task_metrics", "source_record_poll_rate", "Records per second produced by poll(), over the last minute.");
    internal static readonly Gauge SourceRecordWriteRate = Gauge("source_task_metrics", "source_record_write_rate", "Records per second written to Kafka, over the last minute.");
    internal static readonly Gauge PollBatchAvgTimeMs = Gauge("source_task_metrics", "poll_batch_avg_time_ms", "Average time of a poll() that returned records, over the last minute.");
    internal static readonly Gauge SinkRecordReadRate = Gauge("sink_task_metrics", "sink_record_read_rate", "Records per second read from Kafka, over the last minute.");
    internal static readonly Gauge SinkRecordSendRate = Gauge("sink_task_metrics", "sink_record_send_rate", "Records per second put to the task, over the last minute.");
    internal static readonly Gauge PutBatchAvgTimeMs = Gauge("sink_task_metrics", "put_batch_avg_time_ms", "Average time of put(), over the last minute.");
    internal static readonly Gauge PutBatchMaxTimeMs = Gauge("sink_task_metrics", "put_batch_max_time_ms", "Longest put(), over the last minute.");
    internal static readonly Gauge BatchSizeAvg = Gauge("connector_task_metrics", "batch_size_avg", "Average records per batch (poll or put), over the last minute.");
    internal static readonly Gauge BatchSizeMax = Gauge("connector_task_metrics", "batch_size_max", "Largest batch (poll or put), over the last minute.");
    internal static readonly Gauge OffsetCommitSuccessPercentage = Gauge("connector_task_metrics", "offset_commit_success_percentage", "Share of offset commits that succeeded, over the last minute (0 to 1, as Kafka Connect).");
    internal static readonly Gauge OffsetCommitAvgTimeMs = Gauge("connector_task_metrics", "offset_commit_avg_time_ms", "Average time of an offset commit, over the last minute.");
    internal static readonly Gauge OffsetCommitMaxTimeMs = Gauge("connector_task_metrics", "offset_commit_max_time_ms", "Longest offset commit, over the last minute.");

    /// <summary>Consumer lag of a sink task's partition: records in the partition beyond the task's position.</summary>
    internal static readonly Gauge RecordsLag = Prometheus.Metrics.CreateGauge(
        "kafka_connect_sink_task_metrics_records_lag",
        "Records in the partition beyond the sink task's consumer position (librdkafka's view of the high watermark).",
        new GaugeConfiguration { LabelNames = ["connector", "task", "topic", "partition"] });

    private static Counter Counter(string group, string attribute, string help) =>
        Prometheus.Metrics.CreateCounter($"kafka_connect_{group}_{attribute}", help, new CounterConfiguration { LabelNames = TaskLabels });

    private static Gauge Gauge(string group, string attribute, string help) =>
        Prometheus.Metrics.CreateGauge($"kafka_connect_{group}_{attribute}", help, new GaugeConfiguration { LabelNames = TaskLabels });
}
