namespace ActorConnect.Api.Connector;

/// <summary>What a connector may ask of the runtime. Safe to call from any thread the connector owns.</summary>
public interface IConnectorContext
{
    /// <summary>
    /// Asks the runtime to call <see cref="Connector.TaskConfigs"/> again and re-create this connector's tasks,
    /// for connectors whose input changes (new files, new tables). Other connectors are not touched.
    /// </summary>
    void RequestTaskReconfiguration();

    /// <summary>Reports an unrecoverable error found by a connector's own background thread; the connector goes FAILED.</summary>
    void RaiseError(Exception error);
}
