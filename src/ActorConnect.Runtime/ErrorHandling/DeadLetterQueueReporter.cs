using System.Globalization;
using System.Text;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using Akka.Event;
using Confluent.Kafka;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// <c>errors.deadletterqueue.topic.name</c>: writes each failed record to the dead-letter topic with a producer of its
/// own, the original key, value and headers unchanged, plus the <c>__connect.errors.*</c> context headers when
/// <c>errors.deadletterqueue.context.headers.enable=true</c>. A broker that cannot store headers gets the record
/// and its context in a <see cref="DeadLetterEnvelope"/> instead (said once in the log). The task calls
/// <see cref="Flush"/> before it commits offsets, so a record's offset is never committed while its dead-letter copy
/// is still on its way. A copy Kafka refuses (too large, not authorised) is logged as an error naming the record: failing
/// the task instead would stop, at every restart, a pipeline that was told to tolerate the record.
/// </summary>
public sealed class DeadLetterQueueReporter : IErrorReporter
{
    public const string HeaderPrefix = "__connect.errors.";
    public const string TopicHeader = HeaderPrefix + "topic";
    public const string PartitionHeader = HeaderPrefix + "partition";
    public const string OffsetHeader = HeaderPrefix + "offset";
    public const string ConnectorNameHeader = HeaderPrefix + "connector.name";
    public const string TaskIdHeader = HeaderPrefix + "task.id";
    public const string StageHeader = HeaderPrefix + "stage";
    public const string ClassNameHeader = HeaderPrefix + "class.name";
    public const string ExceptionClassNameHeader = HeaderPrefix + "exception.class.name";
    public const string ExceptionMessageHeader = HeaderPrefix + "exception.message";
    public const string ExceptionStacktraceHeader = HeaderPrefix + "exception.stacktrace";

    /// <summary>Beyond Kafka Connect: where a source connector's failed record came from, as JSON.</summary>
    public const string SourcePartitionHeader = HeaderPrefix + "source.partition";
    public const string SourceOffsetHeader = HeaderPrefix + "source.offset";

    private readonly ConnectorTaskId _id;
    private readonly string _topic;
    private readonly bool _contextHeaders;
    private readonly BrokerFeatures _features;
    private readonly Func<SourceRecord, RawRecord>? _serializeSource;
    private readonly ILoggingAdapter _log;
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly TimeSpan _closeFlushTimeout;
    private long _sent;
    private long _flushed;

    public DeadLetterQueueReporter(ConnectorTaskId id, string topic, bool contextHeaders, ProducerConfig config, BrokerFeatures features,
        Func<SourceRecord, RawRecord>? serializeSource, ILoggingAdapter log, Func<ProducerConfig, Action<Confluent.Kafka.LogMessage>, IProducer<byte[]?, byte[]?>> producers,
        TimeSpan closeFlushTimeout)
    {
        _id = id;
        _closeFlushTimeout = closeFlushTimeout;
        _topic = topic;
        _contextHeaders = contextHeaders;
        _features = features;
        _serializeSource = serializeSource;
        _log = log;
        _producer = producers(config, m =>
        {
            if (m.Level <= SyslogLevel.Warning && m.Facility != "CONFWARN")
            {
                log.Warning("Dead letter queue producer of task {0}: {1}", id, m.Message);
            }
        });
        if (!features.SupportsHeaders)
        {
            log.Warning(contextHeaders
                ? "Task {0}: the Kafka broker cannot store record headers (it is older than 0.11), so records sent to the dead letter queue '{1}' " +
                  "are JSON envelopes holding the original key, value, timestamp and headers and the __connect.errors.* context (the key stays the original key)"
                : "Task {0}: the Kafka broker cannot store record headers (it is older than 0.11); records sent to the dead letter queue '{1}' keep their " +
                  "key and value bytes (errors.deadletterqueue.context.headers.enable=true would add their error context in a JSON envelope)",
                id, topic);
        }
    }

    public string Topic => _topic;

    public Task Report(ProcessingContext context)
    {
        var raw = context.Raw ?? (context.Source is { } source && _serializeSource is not null ? _serializeSource(source) : null);
        if (raw is null)
        {
            _log.Error("Task {0}: a failed record could not be written to the dead letter queue '{1}': no record to write ({2})", _id, _topic, context.Error.Message);
            return Task.CompletedTask;
        }

        var message = new Message<byte[]?, byte[]?> { Key = raw.Key, Value = raw.Value };
        var headers = _contextHeaders ? ContextHeaders(_id, context) : [];
        if (_features.SupportsHeaders)
        {
            if (raw.Headers is { Count: > 0 } || headers.Count > 0)
            {
                message.Headers = new Headers();
                foreach (var (key, value) in raw.Headers ?? [])
                {
                    message.Headers.Add(key, value);
                }

                foreach (var (key, value) in headers)
                {
                    message.Headers.Add(key, Encoding.UTF8.GetBytes(value));
                }
            }
        }
        else if (_contextHeaders)
        {
            message.Value = DeadLetterEnvelope.Write(raw, headers);
        }

        if (raw.Timestamp is { } ts && _features.SupportsTimestamps)
        {
            message.Timestamp = new Timestamp(ts);
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _sent);
        try
        {
            _producer.Produce(_topic, message, report =>
            {
                if (report.Error.IsError)
                {
                    Refused(context, report.Error.Reason);
                    done.TrySetException(new ConnectException($"Could not write a record to the dead letter queue topic '{_topic}': {report.Error.Reason}"));
                }
                else
                {
                    done.TrySetResult();
                }
            });
        }
        catch (KafkaException e)
        {
            Refused(context, e.Error.Reason);
            done.TrySetException(e);
        }

        return done.Task;
    }

    private void Refused(ProcessingContext context, string reason) =>
        // Not the error's message: a converter's may quote the record, which errors.log.include.messages may forbid.
        _log.Error("Task {0}: Kafka refused to write {1} to the dead letter queue topic '{2}': {3}. The record had failed at {4} with {5}",
            _id, context.DescribeRecord(), _topic, reason, context.Stage.KafkaName(), context.Error.GetType().FullName);

    /// <summary>
    /// Waits until every record reported so far has its answer from Kafka; false when some are still unanswered after
    /// <paramref name="timeout"/> (the caller then leaves the offsets they stand for uncommitted for now). Cheap when
    /// nothing was reported since the last call.
    /// </summary>
    public bool Flush(TimeSpan timeout)
    {
        var sent = Interlocked.Read(ref _sent);
        if (sent == _flushed)
        {
            return true;
        }

        var left = _producer.Flush(timeout);
        if (left > 0)
        {
            _log.Warning("Task {0}: {1} record(s) sent to the dead letter queue topic '{2}' are not acknowledged after {3:N0} ms; " +
                         "the offsets of the records they stand for are not committed yet", _id, left, _topic, timeout.TotalMilliseconds);
            return false;
        }

        _flushed = sent;
        return true;
    }

    /// <summary>The <c>__connect.errors.*</c> headers for a failure, as Kafka Connect writes them, plus the source coordinates.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ContextHeaders(ConnectorTaskId id, ProcessingContext context)
    {
        var raw = context.Raw;
        var source = context.Source;
        var headers = new List<KeyValuePair<string, string>>(12)
        {
            new(TopicHeader, raw?.Topic ?? source?.Topic ?? string.Empty),
            new(PartitionHeader, (raw?.Partition ?? source?.KafkaPartition ?? -1).ToString(CultureInfo.InvariantCulture)),
            new(OffsetHeader, (raw?.Offset ?? -1).ToString(CultureInfo.InvariantCulture)),
            new(ConnectorNameHeader, id.Connector),
            new(TaskIdHeader, id.Task.ToString(CultureInfo.InvariantCulture)),
            new(StageHeader, context.Stage.KafkaName()),
            new(ClassNameHeader, context.ExecutingClass.FullName ?? context.ExecutingClass.Name),
            new(ExceptionClassNameHeader, context.Error.GetType().FullName ?? context.Error.GetType().Name),
            new(ExceptionMessageHeader, context.Error.Message),
            new(ExceptionStacktraceHeader, context.Error.ToString()),
        };
        if (source is not null)
        {
            headers.Add(new(SourcePartitionHeader, ProcessingContext.Json(source.SourcePartition)));
            headers.Add(new(SourceOffsetHeader, ProcessingContext.Json(source.SourceOffset)));
        }

        return headers;
    }

    public void Dispose()
    {
        try
        {
            _producer.Flush(_closeFlushTimeout);
        }
        finally
        {
            _producer.Dispose();
        }
    }
}
