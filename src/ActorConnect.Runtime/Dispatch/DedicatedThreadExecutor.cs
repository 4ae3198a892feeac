using System.Collections.Concurrent;
using HoconConfig = Akka.Configuration.Config;
using Akka.Dispatch;
using Akka.Event;

namespace ActorConnect.Runtime.Dispatch;

/// <summary>Makes one <see cref="DedicatedThreadExecutor"/> per pinned dispatcher (Akka asks again after a shutdown).</summary>
internal sealed class DedicatedThreadExecutorFactory(HoconConfig config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    private static long _threads;

    public override ExecutorService Produce(string id) =>
        new DedicatedThreadExecutor(id, $"{id}_{Interlocked.Increment(ref _threads)}", Prerequisites.EventStream);
}

/// <summary>
/// Runs what it is given, in order, on one thread of its own, which blocks in <see cref="Monitor.Wait(object)"/> as soon
/// as nothing is queued: no spinning (see <see cref="DedicatedThreadDispatcherConfigurator"/>). The thread ends once
/// <see cref="Shutdown"/> was called and the queue is empty.
/// </summary>
internal sealed class DedicatedThreadExecutor : ExecutorService
{
    private readonly ConcurrentQueue<IRunnable> _queue = new();
    private readonly object _gate = new();
    private readonly EventStream _events;
    private bool _waiting; // guarded by _gate
    private bool _shutdown; // guarded by _gate

    public DedicatedThreadExecutor(string id, string threadName, EventStream events) : base(id)
    {
        _events = events;
        new Thread(RunThread) { IsBackground = true, Name = threadName }.Start();
    }

    /// <exception cref="RejectedExecutionException">After <see cref="Shutdown"/>: the thread may be gone, and Akka then
    /// hands the work to a new executor, as it does when its own thread pools refuse work.</exception>
    public override void Execute(IRunnable run)
    {
        // Enqueued under the gate, so that the thread cannot check for work, find none and end in between.
        lock (_gate)
        {
            if (_shutdown)
                throw new RejectedExecutionException($"The dedicated thread of {Id} is shut down", null!);
            _queue.Enqueue(run);
            if (_waiting)
                Monitor.Pulse(_gate);
        }
    }

    public override void Shutdown()
    {
        lock (_gate)
        {
            _shutdown = true;
            Monitor.Pulse(_gate);
        }
    }

    private void RunThread()
    {
        while (true)
        {
            while (_queue.TryDequeue(out var run))
            {
                try
                {
                    run.Run();
                }
                catch (Exception e)
                {
                    // A mailbox handles its actor's failures itself: whatever gets here is Akka's own, and the thread
                    // must go on serving the actor. Published as Akka's thread pools report theirs.
                    _events.Publish(new Error(e, Id, typeof(DedicatedThreadExecutor), $"Unhandled exception on the dedicated thread of {Id}"));
                }
            }

            lock (_gate)
            {
                // Checked under the gate, where Execute enqueues: nothing queued is left behind.
                if (!_queue.IsEmpty)
                    continue;
                if (_shutdown)
                    return;
                _waiting = true;
                Monitor.Wait(_gate);
                _waiting = false;
            }
        }
    }
}
