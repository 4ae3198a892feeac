using ActorConnect.Api.Sink;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Model;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// The sink task's Kafka consumer: building it (again, in place of one that never joined its group), and what its
/// offsets tell the task (lag, a partition whose offsets moved backward).
/// </summary>
public sealed partial class SinkTaskActor
{
    /// <summary>Builds the task's consumer stream (a new client) and points the task's context at it.</summary>
    private void StartConsumer()
    {
        _listener = new SinkPartitionListener(Self, Services.Settings.SinkRebalanceTimeout);
        _control = Services.Kafka.ConsumerBatches(_consumerSettings!, _subscription!, _listener, Services.Settings.SinkMaxBatchRecords)
            .ToMaterialized(
                Sink.ActorRefWithAck<IReadOnlyList<Kafka.ConsumedRecord>>(Self, SinkTaskProtocol.StreamInit.Instance, SinkTaskProtocol.StreamAck.Instance,
                    SinkTaskProtocol.StreamCompleted.Instance, e => new SinkTaskProtocol.StreamFailed(e)),
                Keep.Left)
            .Run(Context.Materializer());
        _context!.Control = _control;
    }

    /// <summary>
    /// The consumer never got an assignment in time: its client may be stuck for good (librdkafka does not retry some
    /// failures), so a new one is built after a backoff; the status says why meanwhile. Not a task failure: nothing
    /// was consumed, so nothing is lost or repeated, and it does not count towards the task's restart limit.
    /// </summary>
    private void OnConsumerStuck(ConsumerGroupJoinTimeoutException e)
    {
        _listener?.Close();
        _control = null;
        RetryLater(SinkTaskProtocol.RestartConsumer.Instance, e.Message);
    }

    /// <summary>
    /// A partition's offsets went back without anyone asking: its records are delivered again from there (at least
    /// once), and the log and the task's status say so, since the records before may be gone with an old topic.
    /// </summary>
    private void OffsetsMovedBackward(TopicPartition tp, long expected, long offset)
    {
        var message = $"The offsets of {tp.Topic}-{tp.Partition} moved backward: offset {offset} arrived where {expected} was expected " +
                      "(the topic was deleted and recreated, the group's offsets were reset, or auto.offset.reset started it over); " +
                      $"delivering every record from {offset} again (at-least-once)";
        Log.Warning("Task {0}: {1}", Id, message);
        ReportState(ConnectState.Running, message);
    }

    /// <summary>The consumer's lag per assigned partition, as the stage last measured it.</summary>
    /// <remarks>The measurement may predate a revocation: a partition that left the task keeps no series.</remarks>
    private void PublishLag()
    {
        if (_control is null || _context is null)
        {
            return;
        }

        foreach (var (tp, lag) in _control.Lag)
        {
            if (_context.IsAssigned(SinkTaskProtocol.ToApi(tp)))
            {
                Metrics.Lag(tp.Topic, tp.Partition.Value, lag);
            }
        }
    }
}
