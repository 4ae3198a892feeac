using ActorConnect.Api.Connector;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// Lets a supervisor interrupt a task whose thread is busy inside poll(): Kafka Connect's contract is that stop() is
/// called from another thread and makes a blocked poll() return. The actor registers its task here; the supervisor
/// signals through it before sending the actor its Stop message.
/// </summary>
public sealed class TaskHandle
{
    private readonly CancellationTokenSource _stopping = new();
    private ITask? _task;
    private int _stopCalled;

    public CancellationToken Stopping => _stopping.Token;

    public bool IsStopping => _stopping.IsCancellationRequested;

    internal void Register(ITask task)
    {
        _task = task;
        if (IsStopping && task is Api.Source.SourceTask)
        {
            CallStop();
        }
    }

    /// <summary>
    /// Signals the task to stop. Only a source task is interrupted with stop() from another thread (a pool thread, so
    /// the caller never waits on connector code), because only poll() may block waiting for data; a sink task is
    /// stopped by its own actor after its final preCommit and close(), in Kafka Connect's order.
    /// </summary>
    public void SignalStop()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }

        if (_task is Api.Source.SourceTask)
        {
            _ = Task.Run(CallStop);
        }
    }

    /// <summary>Calls task.Stop() once, whoever asks first.</summary>
    internal void CallStop()
    {
        if (_task is { } task && Interlocked.Exchange(ref _stopCalled, 1) == 0)
        {
            try
            {
                task.Stop();
            }
            catch (Exception)
            {
                // A task failing in stop() is already being stopped; the actor reports the failure that made it stop.
            }
        }
    }
}
