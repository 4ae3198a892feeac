using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace ActorConnect.Runtime.Tasks;

/// <summary>What <see cref="BatchHandoff{T}.Write"/> did with an item.</summary>
internal enum HandoffResult
{
    /// <summary>Queued for the stream.</summary>
    Written,

    /// <summary>The writer was cancelled while it waited for room; the item was not queued.</summary>
    Cancelled,

    /// <summary>The stream has ended (failed or cancelled); the item was not queued.</summary>
    Closed,
}

/// <summary>
/// A bounded queue from one blocking thread (a source task's) into a stream: the writer waits on its own thread while
/// the queue is full, which is what slows poll() down, and the stream's source stage takes items as it is pulled.
/// </summary>
/// <remarks>
/// Why not Akka's <c>ChannelSource</c> over a bounded <see cref="System.Threading.Channels.Channel"/>: there every item
/// the stage waits for reaches it in three thread-pool hops (the channel's asynchronous continuation, the
/// <c>ContinueWith</c> on it, then the stage's actor), and on a trickle (a tailed file, a CDC stream: one small batch
/// every few milliseconds) each hop woke pool threads for a few microseconds of work. Here the writer wakes the stage's
/// actor directly, once, and only when the stage is waiting (bench/results/perf-notes.md, "tailing").
/// </remarks>
internal sealed class BatchHandoff<T>(int capacity) where T : class
{
    private readonly object _gate = new();
    private readonly Queue<T> _queue = new(capacity);
    private Action? _wake;
    private bool _stageWaiting;
    private bool _completed;
    private bool _closed;

    /// <summary>The stream side; materialize it once.</summary>
    public Source<T, NotUsed> Source => Akka.Streams.Dsl.Source.FromGraph(new Stage(this));

    /// <summary>Items queued and not yet taken by the stream.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues the item, waiting on the calling thread while the queue is full.</summary>
    public HandoffResult Write(T item, CancellationToken cancellation)
    {
        Action? wake;
        // Disposed outside the gate: disposing waits for a cancellation callback that is running, and that callback
        // takes the gate.
        var registration = default(CancellationTokenRegistration);
        try
        {
            lock (_gate)
            {
                if (_queue.Count >= capacity && !_closed && !cancellation.IsCancellationRequested)
                {
                    registration = cancellation.Register(PulseAll);
                    while (_queue.Count >= capacity && !_closed && !cancellation.IsCancellationRequested)
                    {
                        Monitor.Wait(_gate);
                    }
                }

                if (_closed || _completed)
                {
                    return HandoffResult.Closed;
                }

                if (_queue.Count >= capacity)
                {
                    return HandoffResult.Cancelled;
                }

                _queue.Enqueue(item);
                wake = TakeWake();
            }
        }
        finally
        {
            registration.Dispose();
        }

        wake?.Invoke();
        return HandoffResult.Written;
    }

    /// <summary>No more items: the stream completes once it has taken those queued.</summary>
    public void Complete()
    {
        Action? wake;
        lock (_gate)
        {
            _completed = true;
            wake = TakeWake();
        }

        wake?.Invoke();
    }

    /// <summary>
    /// The stream side: the next item, or null when there is none yet (the stage is then woken by the next write or by
    /// <see cref="Complete"/>) or none will come (<paramref name="completed"/>).
    /// </summary>
    private T? Take(out bool completed)
    {
        lock (_gate)
        {
            if (_queue.TryDequeue(out var item))
            {
                // A writer may be waiting for this room.
                Monitor.PulseAll(_gate);
            }

            completed = item is null && _completed;
            _stageWaiting = item is null && !completed;
            return item;
        }
    }

    private void PulseAll()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The stage's wake-up when it is waiting for an item, cleared so that it is sent once. Under the gate.</summary>
    private Action? TakeWake()
    {
        if (!_stageWaiting)
        {
            return null;
        }

        _stageWaiting = false;
        return _wake;
    }

    private sealed class Stage(BatchHandoff<T> handoff) : GraphStage<SourceShape<T>>
    {
        private readonly Outlet<T> _out = new("batchHandoff.out");

        public override SourceShape<T> Shape => new(_out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, handoff);

        private sealed class Logic : OutGraphStageLogic
        {
            private readonly Outlet<T> _out;
            private readonly BatchHandoff<T> _handoff;

            public Logic(Stage stage, BatchHandoff<T> handoff) : base(stage.Shape)
            {
                _out = stage._out;
                _handoff = handoff;
                var wake = GetAsyncCallback(OnPull);
                lock (handoff._gate)
                {
                    handoff._wake = wake;
                }

                SetHandler(_out, this);
            }

            public override void OnPull()
            {
                if (!IsAvailable(_out))
                {
                    return;
                }

                var item = _handoff.Take(out var completed);
                if (item is not null)
                {
                    Push(_out, item);
                }
                else if (completed)
                {
                    CompleteStage();
                }
            }

            public override void PostStop()
            {
                lock (_handoff._gate)
                {
                    _handoff._closed = true;
                    _handoff._stageWaiting = false;
                    Monitor.PulseAll(_handoff._gate);
                }
            }
        }
    }
}
