using System.Collections.Concurrent;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;

namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// One running task's metrics: the task actor records on its own thread; the windowed gauges are computed when
/// Prometheus scrapes. Disposed when the task stops, which removes its series, as Kafka Connect removes a task's
/// metric group when the task closes. Made by <see cref="ConnectMetrics.ForTask"/>: its series are in its worker's
/// registry.
/// </summary>
public sealed class TaskMetrics : IDisposable
{
    private readonly ConnectMetrics _metrics;
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
    private readonly object _scrapeLock = new();
    private volatile bool _disposed;

    internal TaskMetrics(ConnectMetrics metrics, ConnectorTaskId id, SecretRedactor? secrets)
    {
        _metrics = metrics;
        _labels = [id.Connector, id.Task.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        _secrets = secrets;
    }

    /// <summary>A source task's poll() returned <paramref name="records"/> records after <paramref name="elapsed"/>.</summary>
    public void Polled(int records, TimeSpan elapsed)
    {
        if (_disposed)
        {
            return;
        }

        _metrics.SourceRecordPollTotal.WithLabels(_labels).Inc(records);
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

        _metrics.SourceRecordWriteTotal.WithLabels(_labels).Inc(records);
        _written.Record(records);
    }

    /// <summary>A sink task's consumer delivered <paramref name="records"/> records.</summary>
    public void Read(int records)
    {
        if (_disposed)
        {
            return;
        }

        _metrics.SinkRecordReadTotal.WithLabels(_labels).Inc(records);
        _read.Record(records);
    }

    /// <summary>A sink task's put() took <paramref name="records"/> records in <paramref name="elapsed"/>.</summary>
    public void Sent(int records, TimeSpan elapsed)
    {
        if (_disposed)
        {
            return;
        }

        _metrics.SinkRecordSendTotal.WithLabels(_labels).Inc(records);
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

        (success ? _metrics.OffsetCommitCompletionTotal : _metrics.OffsetCommitSkipTotal).WithLabels(_labels).Inc();
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

        _metrics.TotalRecordErrors.WithLabels(_labels).Inc();
        if (skipped)
        {
            _metrics.TotalRecordsSkipped.WithLabels(_labels).Inc();
        }
    }

    /// <summary>A record was written to (or failed to reach) the dead letter queue.</summary>
    public void DeadLettered(bool success)
    {
        if (!_disposed)
        {
            (success ? _metrics.DeadLetterQueueProduceRequests : _metrics.DeadLetterQueueProduceFailures).WithLabels(_labels).Inc();
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
        _metrics.RecordsLag.WithLabels(_labels[0], _labels[1], topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(records);
    }

    /// <summary>A partition left the task: its lag series goes.</summary>
    public void PartitionRevoked(string topic, int partition) => RemoveLagSeries(TopicLabel(topic), partition);

    public void Dispose()
    {
        // Under the scrape's lock: a scrape computing this task's gauges as it stops would otherwise put back the
        // series removed below, and a deleted connector would stay in /metrics.
        lock (_scrapeLock)
        {
            _disposed = true;
        }

        if (!_metrics.Forget(this))
        {
            return;
        }

        foreach (var counter in _metrics.Counters)
        {
            counter.RemoveLabelled(_labels);
        }

        foreach (var gauge in _metrics.WindowGauges)
        {
            gauge.RemoveLabelled(_labels);
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
            _metrics.RecordsLag.RemoveLabelled(_labels[0], _labels[1], topicLabel, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Sets the windowed gauges, before a scrape, unless the task has stopped.</summary>
    internal void UpdateGauges()
    {
        lock (_scrapeLock)
        {
            if (!_disposed)
            {
                SetGauges();
            }
        }
    }

    private void SetGauges()
    {
        _metrics.SourceRecordPollRate.WithLabels(_labels).Set(_polled.RatePerSecond());
        _metrics.SourceRecordWriteRate.WithLabels(_labels).Set(_written.RatePerSecond());
        _metrics.PollBatchAvgTimeMs.WithLabels(_labels).Set(_pollTime.Average());
        _metrics.SinkRecordReadRate.WithLabels(_labels).Set(_read.RatePerSecond());
        _metrics.SinkRecordSendRate.WithLabels(_labels).Set(_sent.RatePerSecond());
        _metrics.PutBatchAvgTimeMs.WithLabels(_labels).Set(_putTime.Average());
        _metrics.PutBatchMaxTimeMs.WithLabels(_labels).Set(_putTime.Max());
        _metrics.BatchSizeAvg.WithLabels(_labels).Set(_batchSize.Average());
        _metrics.BatchSizeMax.WithLabels(_labels).Set(_batchSize.Max());
        _metrics.OffsetCommitSuccessPercentage.WithLabels(_labels).Set(_commitSuccess.Ratio());
        _metrics.OffsetCommitAvgTimeMs.WithLabels(_labels).Set(_commitTime.Average());
        _metrics.OffsetCommitMaxTimeMs.WithLabels(_labels).Set(_commitTime.Max());
    }
}
