namespace ActorConnect.Api.Connector;

/// <summary>What every task has: a version, a start with its task configuration, and a stop.</summary>
public interface ITask
{
    /// <summary>The task's version.</summary>
    string Version { get; }

    /// <summary>Starts the task with the configuration its connector generated for it.</summary>
    void Start(IReadOnlyDictionary<string, string> props);

    /// <summary>Stops the task; see the task type for the threading contract.</summary>
    void Stop();
}
