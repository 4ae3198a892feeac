namespace ActorConnect.Runtime.Worker;

/// <summary>What the worker actor answers: commands change connectors, queries read status. Failures reply with Status.Failure.</summary>
public static class WorkerProtocol
{
    /// <summary>Command: validate and start a connector. Replies <see cref="ConnectorCreated"/>.</summary>
    public sealed record CreateConnector(IReadOnlyDictionary<string, string> Config);

    public sealed record ConnectorCreated(string Name);

    /// <summary>Command: stop a connector cleanly and forget it. Replies <see cref="ConnectorDeleted"/> once its tasks have stopped.</summary>
    public sealed record DeleteConnector(string Name);

    public sealed record ConnectorDeleted(string Name);

    /// <summary>Command: pause or resume a connector's tasks.</summary>
    public sealed record PauseConnector(string Name, bool Paused);

    /// <summary>Command: restart one task by hand.</summary>
    public sealed record RestartTask(string Name, int Task);

    /// <summary>Query: one connector's status (<see cref="Status.ConnectorStatus"/>).</summary>
    public sealed record GetConnectorStatus(string Name);

    /// <summary>Query: the names of every connector.</summary>
    public sealed record ListConnectors
    {
        public static readonly ListConnectors Instance = new();
    }

    /// <summary>Query: every connector's status, as a list of <see cref="Status.ConnectorStatus"/>.</summary>
    public sealed record GetAllStatus
    {
        public static readonly GetAllStatus Instance = new();
    }

    /// <summary>Command: stop every connector cleanly; replies <see cref="ShutdownComplete"/>.</summary>
    public sealed record Shutdown
    {
        public static readonly Shutdown Instance = new();
    }

    public sealed record ShutdownComplete
    {
        public static readonly ShutdownComplete Instance = new();
    }
}
