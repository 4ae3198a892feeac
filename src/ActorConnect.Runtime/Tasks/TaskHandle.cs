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
        if (IsStopping)
        {
            CallStop();
        }
    }

    /// <summary>Signals the task to stop; task.Stop() runs on a pool thread so the caller never waits on connector code.</summary>
    public void SignalStop()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }

        if (_task is not null)
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
