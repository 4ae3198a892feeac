using System.Collections.Concurrent;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using Prometheus;
using static ActorConnect.Runtime.Metrics.ConnectMetrics;

namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// One running task's metrics: the task actor records on its own thread; the windowed gauges are computed when
/// Prometheus scrapes. Disposed when the task stops, which removes its series, as Kafka Connect removes a task's
/// metric group when the task closes.
/// </summary>
public sealed class TaskMetrics : IDisposable
{
    private static readonly ConcurrentDictionary<TaskMetrics, byte> Live = new();
    private readonly string[] _labels;
    private readonly SecretRedactor? _secrets;
    private readonly MetricWindow _polled = new();
    private readonly MetricWindow _written = new();
    private readonly MetricWindow _pollTime = new();
    private readonly MetricWindow _read = new();
    private readonly MetricWindow _sent = new();
    private readonly MetricWindow _putTime = new();
    private readonly MetricWindow _batchSize = new();
    private readonly MetricWindow _commitSuccess = new();
    private readonly MetricWindow _commitTime = new();
    private readonly ConcurrentDictionary<(string Topic, int Partition), byte> _lagSeries = new();
    private volatile bool _disposed;

    static TaskMetrics() => Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
    {
        foreach (var task in Live.Keys)
        {
            task.UpdateGauges();
        }
    });

    /// <param name="id">The task.</param>
    /// <param name="secrets">Puts placeholders back into topic labels: a topic may be named by a config provider.</param>
    public TaskMetrics(ConnectorTaskId id, SecretRedactor? secrets = null)
    {
        _labels = [id.Connector, id.Task.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        _secrets = secrets;
        Live[this] = 0;
    }

    /// <summary>A source task's poll() returned <paramref name="records"/> records after <paramref name="elapsed"/>.</summary>
    public void Polled(int records, TimeSpan elapsed)
    {
        if (_disposed)
        {
            return;
        }

        SourceRecordPollTotal.WithLabels(_labels).Inc(records);
        _polled.Record(records);
        _pollTime.Record(elapsed.TotalMilliseconds);
        _batchSize.Record(records);
    }

    /// <summary>Kafka acknowledged <paramref name="records"/> records of a source task.</summary>
    public void Written(int records)
    {
        if (_disposed)
        {
            return;
        }

        SourceRecordWriteTotal.WithLabels(_labels).Inc(records);
        _written.Record(records);
    }

    /// <summary>A sink task's consumer delivered <paramref name="records"/> records.</summary>
    public void Read(int records)
    {
        if (_disposed)
        {
            return;
        }

        SinkRecordReadTotal.WithLabels(_labels).Inc(records);
        _read.Record(records);
    }

    /// <summary>A sink task's put() took <paramref name="records"/> records in <paramref name="elapsed"/>.</summary>
    public void Sent(int records, TimeSpan elapsed)
    {
        if (_disposed)
        {
            return;
        }

        SinkRecordSendTotal.WithLabels(_labels).Inc(records);
        _sent.Record(records);
        _putTime.Record(elapsed.TotalMilliseconds);
        _batchSize.Record(records);
    }

    /// <summary>An offset commit (source offsets stored, or sink offsets committed) ended.</summary>
    public void OffsetCommitted(bool success, TimeSpan elapsed)
    {
        if (_disposed)
        {
            return;
        }

        (success ? OffsetCommitCompletionTotal : OffsetCommitSkipTotal).WithLabels(_labels).Inc();
        _commitSuccess.Record(success ? 1 : 0);
        _commitTime.Record(elapsed.TotalMilliseconds);
    }

    /// <summary>A record failed in some stage; <paramref name="skipped"/> when tolerated and dropped.</summary>
    public void RecordFailed(bool skipped)
    {
        if (_disposed)
        {
            return;
        }

        TotalRecordErrors.WithLabels(_labels).Inc();
        if (skipped)
        {
            TotalRecordsSkipped.WithLabels(_labels).Inc();
        }
    }

    /// <summary>A record was written to (or failed to reach) the dead letter queue.</summary>
    public void DeadLettered(bool success)
    {
        if (!_disposed)
        {
            (success ? DeadLetterQueueProduceRequests : DeadLetterQueueProduceFailures).WithLabels(_labels).Inc();
        }
    }

    /// <summary>The consumer lag of one of a sink task's partitions.</summary>
    public void Lag(string topic, int partition, long records)
    {
        if (_disposed)
        {
            return;
        }

        topic = TopicLabel(topic);
        _lagSeries[(topic, partition)] = 0;
        RecordsLag.WithLabels(_labels[0], _labels[1], topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(records);
    }

    /// <summary>A partition left the task: its lag series goes.</summary>
    public void PartitionRevoked(string topic, int partition) => RemoveLagSeries(TopicLabel(topic), partition);

    public void Dispose()
    {
        _disposed = true;
        if (!Live.TryRemove(this, out _))
        {
            return;
        }

        foreach (var collector in new Collector<Counter.Child>[] { SourceRecordPollTotal, SourceRecordWriteTotal, SinkRecordReadTotal, SinkRecordSendTotal, OffsetCommitCompletionTotal, OffsetCommitSkipTotal, TotalRecordErrors, TotalRecordsSkipped, DeadLetterQueueProduceRequests, DeadLetterQueueProduceFailures })
        {
            collector.RemoveLabelled(_labels);
        }

        foreach (var collector in new Collector<Gauge.Child>[] { SourceRecordPollRate, SourceRecordWriteRate, PollBatchAvgTimeMs, SinkRecordReadRate, SinkRecordSendRate, PutBatchAvgTimeMs, PutBatchMaxTimeMs, BatchSizeAvg, BatchSizeMax, OffsetCommitSuccessPercentage, OffsetCommitAvgTimeMs, OffsetCommitMaxTimeMs })
        {
            collector.RemoveLabelled(_labels);
        }

        foreach (var (topic, partition) in _lagSeries.Keys)
        {
            RemoveLagSeries(topic, partition);
        }
    }

    private string TopicLabel(string topic) => _secrets?.Redact(topic) ?? topic;

    private void RemoveLagSeries(string topicLabel, int partition)
    {
        if (_lagSeries.TryRemove((topicLabel, partition), out _))
        {
            RecordsLag.RemoveLabelled(_labels[0], _labels[1], topicLabel, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private void UpdateGauges()
    {
        SourceRecordPollRate.WithLabels(_labels).Set(_polled.RatePerSecond());
        SourceRecordWriteRate.WithLabels(_labels).Set(_written.RatePerSecond());
        PollBatchAvgTimeMs.WithLabels(_labels).Set(_pollTime.Average());
        SinkRecordReadRate.WithLabels(_labels).Set(_read.RatePerSecond());
        SinkRecordSendRate.WithLabels(_labels).Set(_sent.RatePerSecond());
        PutBatchAvgTimeMs.WithLabels(_labels).Set(_putTime.Average());
        PutBatchMaxTimeMs.WithLabels(_labels).Set(_putTime.Max());
        BatchSizeAvg.WithLabels(_labels).Set(_batchSize.Average());
        BatchSizeMax.WithLabels(_labels).Set(_batchSize.Max());
        OffsetCommitSuccessPercentage.WithLabels(_labels).Set(_commitSuccess.Ratio());
        OffsetCommitAvgTimeMs.WithLabels(_labels).Set(_commitTime.Average());
        OffsetCommitMaxTimeMs.WithLabels(_labels).Set(_commitTime.Max());
    }
}
