using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Status;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Runs one sink task on its own pinned thread. The consumer stream (group <c>connect-&lt;connector&gt;</c>) hands it
/// batches through an acknowledging sink: the next batch comes only after put() returned, so a slow put backs up into
/// the consumer stage, which pauses fetching at its bound and keeps polling, and never falls out of its group.
/// Every <c>offset.flush.interval.ms</c> it asks preCommit() for safe offsets and commits them; on revocation it does
/// the same synchronously before close(), as Kafka Connect's WorkerSinkTask.
/// </summary>
public sealed class SinkTaskActor : TaskActorBase
{
    private readonly Dictionary<TopicPartition, long> _currentOffsets = new();
    private Dictionary<TopicPartition, long> _committed = new();
    private SinkTask? _task;
    private SinkTaskContext? _context;
    private SinkPartitionListener? _listener;
    private IConsumerControl? _control;
    private IConverter? _keyConverter;
    private IConverter? _valueConverter;
    private (IActorRef Stream, List<SinkRecord> Records)? _retry;
    private bool _stopped;

    public SinkTaskActor(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle)
        : base(id, taskType, taskConfig, connectorConfig, services, handle)
    {

        Receive<StartTask>(_ => Guard(Start));
        Receive<SinkTaskProtocol.StreamInit>(_ => Sender.Tell(SinkTaskProtocol.StreamAck.Instance));
        Receive<IReadOnlyList<Kafka.ConsumedRecord>>(batch => Guard(() => OnBatch(batch)));
        Receive<SinkTaskProtocol.RetryPut>(_ => Guard(RetryPut));
        Receive<SinkTaskProtocol.PartitionsAssigned>(m => Guard(() => OnAssigned(m)));
        Receive<SinkTaskProtocol.PartitionsRevoked>(m => Guard(() => OnRevoked(m)));
        Receive<TaskProtocol.FlushTick>(_ => Guard(Commit));
        Receive<SinkTaskProtocol.CommitDone>(m => _committed = new Dictionary<TopicPartition, long>(m.Offsets));
        Receive<SinkTaskProtocol.CommitFailed>(m => Log.Warning("Task {0}: offset commit failed, will retry at the next flush: {1}", Id, m.Cause.Message));
        Receive<SinkTaskProtocol.StreamFailed>(m => Guard(() => throw new ConnectException($"The Kafka consumer of task {Id} failed: {m.Cause.Message}", m.Cause)));
        Receive<SinkTaskProtocol.StreamCompleted>(_ => { });
        Receive<TaskProtocol.SetPaused>(m => Guard(() => SetPaused(m.Paused)));
        Receive<TaskProtocol.Stop>(_ => Guard(StopCleanly));
    }

    public static Props Props(ConnectorTaskId id, Type taskType, IReadOnlyDictionary<string, string> taskConfig, IReadOnlyDictionary<string, string> connectorConfig, TaskServices services, TaskHandle handle) =>
        Akka.Actor.Props.Create(() => new SinkTaskActor(id, taskType, taskConfig, connectorConfig, services, handle))
            .WithDispatcher(services.Settings.TaskDispatcher);

    protected override void PreStart() => Self.Tell(StartTask.Instance);

    protected override void PostStop()
    {
        _listener?.Close();
        if (!_stopped)
        {
            Handle.CallStop();
        }

        _control?.StopAsync();
    }

    private void Start()
    {
        if (Handle.IsStopping)
        {
            return;
        }

        var (topics, regex) = Config.ConnectorConfig.Parse(ConnectorConfig).SinkTopics();
        if (AwaitBroker(StartTask.Instance) is not { } features)
        {
            return;
        }

        _keyConverter = CreateConverter(isKey: true);
        _valueConverter = CreateConverter(isKey: false);
        _task = (SinkTask)Activator.CreateInstance(TaskType)!;
        Handle.Register(_task);
        _context = new SinkTaskContext(TaskConfig, () => Self.Tell(TaskProtocol.FlushTick.Instance));
        _task.Initialize(_context);
        _task.Start(TaskConfig);

        var settings = Services.SinkConsumerSettings(Id.Connector, ConnectorConfig, features)
            .WithDispatcher(Services.Settings.ConsumerDispatcher)
            .WithMaxBufferedRecords(Services.Settings.SinkMaxBufferedRecords);
        var subscription = regex is null ? Subscription.ForTopics(topics) : Subscription.ForPattern(regex);
        _listener = new SinkPartitionListener(Self, TimeSpan.FromMinutes(5));
        var maxBatch = Services.Settings.SinkMaxBatchRecords;
        _control = KafkaConsumerBatchSource.Create(settings, subscription, _listener, maxBatch)
            .ToMaterialized(
                Sink.ActorRefWithAck<IReadOnlyList<Kafka.ConsumedRecord>>(Self, SinkTaskProtocol.StreamInit.Instance, SinkTaskProtocol.StreamAck.Instance,
                    SinkTaskProtocol.StreamCompleted.Instance, e => new SinkTaskProtocol.StreamFailed(e)),
                Keep.Left)
            .Run(Context.Materializer());
        _context.Control = _control;
        Context.Parent.Tell(new TaskProtocol.StateChanged(Id, ConnectState.Running));
        Log.Info("Task {0} started ({1}), consuming {2} as group {3}", Id, TaskType.FullName, subscription, settings.GroupId);
        Timers.StartPeriodicTimer("flush", TaskProtocol.FlushTick.Instance, Services.Worker.OffsetFlushInterval);
    }

    private void OnBatch(IReadOnlyList<Kafka.ConsumedRecord> batch)
    {
        var records = new List<SinkRecord>(batch.Count);
        foreach (var raw in batch)
        {
            var tp = new TopicPartition(raw.Topic, raw.Partition);
            // Records of partitions given up, or before where the task asked to resume, belong to someone else's
            // delivery (or a re-fetch after a rebalance): dropping them keeps each partition in order without gaps.
            if (!_context!.IsAssigned(tp) || (_context.NextOffsets.TryGetValue(tp, out var next) && raw.Offset < next))
            {
                continue;
            }

            TopicUsed(raw.Topic);
            records.Add(Convert(raw));
            _context.NextOffsets[tp] = raw.Offset + 1;
        }

        Put(Sender, records);
    }

    private void Put(IActorRef stream, List<SinkRecord> records)
    {
        if (records.Count > 0)
        {
            try
            {
                _task!.Put(records);
            }
            catch (RetriableException e)
            {
                // Same batch again later; the stream waits for our ack meanwhile, so nothing new is fetched past the bound.
                _retry = (stream, records);
                RetryLater(SinkTaskProtocol.RetryPut.Instance, $"put failed with a retriable error, redelivering {records.Count} records: {e.Message}",
                    _context!.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
                return;
            }

            foreach (var r in records)
            {
                _currentOffsets[r.OriginalTopicPartition] = r.OriginalKafkaOffset + 1;
            }
        }

        RetrySucceeded();

        stream.Tell(SinkTaskProtocol.StreamAck.Instance);
    }

    private void RetryPut()
    {
        if (_retry is { } retry)
        {
            _retry = null;
            Put(retry.Stream, retry.Records);
        }
    }

    private SinkRecord Convert(Kafka.ConsumedRecord raw)
    {
        var headers = HeaderBytes.FromKafka(raw.Headers);
        Api.Data.SchemaAndValue key, value;
        try
        {
            key = _keyConverter!.ToConnectData(raw.Topic, headers, raw.Key);
            value = _valueConverter!.ToConnectData(raw.Topic, headers, raw.Value);
        }
        catch (Exception e)
        {
            throw new DataException(
                $"Could not convert the record at topic '{raw.Topic}' partition {raw.Partition} offset {raw.Offset} for task {Id}: {e.Message} " +
                "Check key.converter/value.converter (and their schemas.enable) against what the topic holds.", e);
        }

        var timestampType = raw.TimestampType switch
        {
            Confluent.Kafka.TimestampType.CreateTime => Api.Sink.TimestampType.CreateTime,
            Confluent.Kafka.TimestampType.LogAppendTime => Api.Sink.TimestampType.LogAppendTime,
            _ => Api.Sink.TimestampType.NoTimestampType,
        };
        return new SinkRecord(raw.Topic, raw.Partition, key.Schema, key.Value, value.Schema, value.Value, raw.Offset, raw.Timestamp, timestampType, headers);
    }

    private void OnAssigned(SinkTaskProtocol.PartitionsAssigned m)
    {
        var partitions = m.Partitions.Select(SinkTaskProtocol.ToApi).ToList();
        _context!.AddAssigned(partitions);
        _context.InOpen = true;
        try
        {
            _task!.Open(partitions);
        }
        finally
        {
            _context.InOpen = false;
        }

        Sender.Tell(new SinkTaskProtocol.AssignedReply(_context.TakeRewinds()));
    }

    private void OnRevoked(SinkTaskProtocol.PartitionsRevoked m)
    {
        var partitions = m.Partitions.Select(SinkTaskProtocol.ToApi).Where(_context!.IsAssigned).ToList();
        IReadOnlyList<Confluent.Kafka.TopicPartitionOffset>? toCommit = null;
        if (!m.Lost && partitions.Count > 0)
        {
            var current = _currentOffsets.Where(kv => partitions.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var safe = current.Count > 0 ? _task!.PreCommit(current) : current;
            toCommit = safe.Select(kv => new Confluent.Kafka.TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)).ToList();
        }

        if (partitions.Count > 0)
        {
            _task!.Close(partitions);
        }

        _context.RemoveAssigned(partitions);
        foreach (var tp in partitions)
        {
            _currentOffsets.Remove(tp);
            _committed.Remove(tp);
        }

        if (!m.Lost)
        {
            Sender.Tell(new SinkTaskProtocol.RevokedReply(toCommit));
        }
    }

    private void Commit()
    {
        if (_task is null || _control is null || _currentOffsets.Count == 0 ||
            _currentOffsets.All(kv => _committed.TryGetValue(kv.Key, out var c) && c == kv.Value))
        {
            return;
        }

        var safe = _task.PreCommit(new Dictionary<TopicPartition, long>(_currentOffsets));
        if (safe.Count == 0)
        {
            return;
        }

        var snapshot = new Dictionary<TopicPartition, long>(safe);
        var self = Self;
        _control.CommitAsync(snapshot.Select(kv => new Confluent.Kafka.TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)))
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? (object)new SinkTaskProtocol.CommitDone(snapshot)
                : new SinkTaskProtocol.CommitFailed(t.Exception?.GetBaseException() ?? new TaskCanceledException()))
            .PipeTo(self);
    }

    private void SetPaused(bool paused)
    {
        if (_control is not null && _context is not null)
        {
            var all = _context.Assignment.Select(SinkTaskProtocol.ToKafka).ToList();
            if (paused)
            {
                _control.Pause(all);
            }
            else
            {
                _control.Resume(all);
            }
        }

        Context.Parent.Tell(new TaskProtocol.StateChanged(Id, paused ? ConnectState.Paused : ConnectState.Running));
    }

    private void StopCleanly()
    {
        Timers.CancelAll();
        if (_task is not null && _control is not null)
        {
            // Final commit first, while the consumer thread is free to run it; then close, then stop the consumer.
            var current = new Dictionary<TopicPartition, long>(_currentOffsets);
            if (current.Count > 0)
            {
                var safe = _task.PreCommit(current);
                if (safe.Count > 0 && !_control.CommitAsync(safe.Select(kv => new Confluent.Kafka.TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)))
                        .Wait(Services.Worker.OffsetFlushTimeout))
                {
                    Log.Warning("Task {0}: the final offset commit did not finish within offset.flush.timeout.ms; the last records may be redelivered", Id);
                }
            }

            _listener!.Close();
            _task.Close(_context!.Assignment.ToList());
            _control.StopAsync().Wait(Services.Worker.TaskShutdownTimeout);
        }

        Handle.CallStop();
        _stopped = true;
        Log.Info("Task {0} stopped", Id);
        Context.Stop(Self);
    }

    // The consumer is closed while this actor stops; its revoke callback must not wait on an actor that is gone.
    protected override void OnFailing() => _listener?.Close();
}
