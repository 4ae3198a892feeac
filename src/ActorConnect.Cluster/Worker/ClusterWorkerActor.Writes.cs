using ActorConnect.Api.Errors;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Cluster.Worker;

/// <summary>
/// The worker's writes, once the <see cref="WorkerCore"/> has validated them: stored in the config topic off the
/// mailbox (a write returns once the topic has it), then the connector's entity is told to refresh.
/// </summary>
public sealed partial class ClusterWorkerActor
{
    void IWorkerMode.Create(IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin, TargetState initialState)
    {
        var name = parsed.ConnectorName;
        var type = plugin.IsSource ? "source" : "sink";
        StoreThen(new StoredConnector(name, config, initialState), waitForEntity: false, () =>
        {
            _log.Info("Connector {0} created ({1}, {2})", name, plugin.Type.FullName, initialState.ToString().ToUpperInvariant());
            return new ConnectorInfo(name, config, [], type);
        });
    }

    void IWorkerMode.Put(string name, IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin)
    {
        var existing = _cluster.Configs.Read(name);
        var type = plugin.IsSource ? "source" : "sink";
        StoreThen(new StoredConnector(name, config, existing?.TargetState ?? TargetState.Started), waitForEntity: false,
            () => new WorkerProtocol.ConfigPut(existing is null, new ConnectorInfo(name, config, [], type)));
    }

    void IWorkerMode.Patch(ConnectorView connector, IReadOnlyDictionary<string, string> config, ConnectorConfig parsed, ConnectorPlugin plugin)
    {
        var type = plugin.IsSource ? "source" : "sink";
        StoreThen(new StoredConnector(connector.Name, config, connector.Target), waitForEntity: false, () => new ConnectorInfo(connector.Name, config, [], type));
    }

    void IWorkerMode.Delete(ConnectorView connector)
    {
        var name = connector.Name;
        if (_writing.Contains(name))
        {
            Sender.Tell(WorkerCore.Failure(WriteUnderWay(name)));
            return;
        }

        var (store, region, requester, self, timeout, log) = (_cluster.Configs, _region, Sender, Self, EntityTimeout, _log);
        _writing.Add(name);
        // Answered once the entity has stopped the tasks and removed the statuses, wherever it runs.
        Task.Run(() => store.Remove(name))
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? region.Ask<ConnectorEntityProtocol.Applied>(new ConnectorEntityProtocol.Envelope(name, ConnectorEntityProtocol.Refresh.Instance), timeout)
                : Task.FromException<ConnectorEntityProtocol.Applied>(t.Exception!.GetBaseException()))
            .Unwrap()
            .ContinueWith(t =>
            {
                self.Tell(new WriteDone(name));
                if (t.IsCompletedSuccessfully)
                {
                    log.Info("Connector {0} deleted", name);
                    return (object)new WorkerProtocol.ConnectorDeleted(name);
                }

                return WorkerCore.Failure(t.Exception);
            })
            .PipeTo(requester);
    }

    void IWorkerMode.SetTargetState(ConnectorView connector, TargetState state) =>
        StoreThen(new StoredConnector(connector.Name, connector.Config, state), waitForEntity: true, () => new WorkerProtocol.TargetStateSet(connector.Name, state));

    /// <summary>
    /// Stores the connector, tells its entity to refresh, and replies <paramref name="reply"/>: at once, or with
    /// <paramref name="waitForEntity"/> once the entity has applied the change.
    /// </summary>
    private void StoreThen(StoredConnector connector, bool waitForEntity, Func<object> reply)
    {
        if (_writing.Contains(connector.Name))
        {
            // One write per connector at a time from this node: a stop written after a delete would bring the
            // connector back, and the delete's requester would have been told it is gone.
            Sender.Tell(WorkerCore.Failure(WriteUnderWay(connector.Name)));
            return;
        }

        var (store, region, requester, self, timeout) = (_cluster.Configs, _region, Sender, Self, EntityTimeout);
        var envelope = new ConnectorEntityProtocol.Envelope(connector.Name, ConnectorEntityProtocol.Refresh.Instance);
        _writing.Add(connector.Name);
        Task.Run(() => store.Put(connector))
            .ContinueWith(async t =>
            {
                self.Tell(new WriteDone(connector.Name));
                if (!t.IsCompletedSuccessfully)
                {
                    return WorkerCore.Failure(t.Exception);
                }

                if (!waitForEntity)
                {
                    region.Tell(envelope, ActorRefs.NoSender);
                    return reply();
                }

                try
                {
                    await region.Ask<ConnectorEntityProtocol.Applied>(envelope, timeout).ConfigureAwait(false);
                    return reply();
                }
                catch (Exception e)
                {
                    return WorkerCore.Failure(e);
                }
            })
            .Unwrap()
            .PipeTo(requester);
    }

    private static ConflictException WriteUnderWay(string name) =>
        new($"Another change of connector {name} is being written to the config topic; try again when it has completed");

    /// <summary>A write to the config topic has ended, stored or not.</summary>
    private sealed record WriteDone(string Name);
}
