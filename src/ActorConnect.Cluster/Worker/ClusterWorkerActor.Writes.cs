using ActorConnect.Api.Errors;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Cluster.Worker;

/// <summary>
/// The worker's writes: validated off the mailbox (a connector's validate may do I/O), stored in the config topic
/// off the mailbox (a write returns once the topic has it), then the connector's entity is told to refresh.
/// </summary>
public sealed partial class ClusterWorkerActor
{
    private void OnCreate(WorkerProtocol.CreateConnector m)
    {
        if (m.Config.GetValueOrDefault(ConnectorConfig.Name) is { } named && Exists(named))
        {
            Sender.Tell(Failure(new AlreadyExistsException($"Connector {named} already exists")));
            return;
        }

        ValidateThen(m.Config, (config, plugin) =>
        {
            var name = config.ConnectorName;
            if (Exists(name))
            {
                Sender.Tell(Failure(new AlreadyExistsException($"Connector {name} already exists")));
                return;
            }

            var type = plugin.IsSource ? "source" : "sink";
            StoreThen(new StoredConnector(name, m.Config, m.InitialState), waitForEntity: false, () =>
            {
                _log.Info("Connector {0} created ({1}, {2})", name, plugin.Type.FullName, m.InitialState.ToString().ToUpperInvariant());
                return new ConnectorInfo(name, m.Config, [], type);
            });
        });
    }

    private void OnPut(WorkerProtocol.PutConnectorConfig m)
    {
        if (ConnectorRequests.NameMismatch(m.Name, m.Config!) is { } mismatch)
        {
            Sender.Tell(Failure(mismatch));
            return;
        }

        var config = new Dictionary<string, string>(m.Config) { [ConnectorConfig.Name] = m.Name };
        ValidateThen(config, (_, plugin) =>
        {
            var existing = _cluster.Configs.Read(m.Name);
            var type = plugin.IsSource ? "source" : "sink";
            StoreThen(new StoredConnector(m.Name, config, existing?.TargetState ?? TargetState.Started), waitForEntity: false,
                () => new WorkerProtocol.ConfigPut(existing is null, new ConnectorInfo(m.Name, config, [], type)));
        });
    }

    private void OnPatch(WorkerProtocol.PatchConnectorConfig m) => WithConnector(m.Name, stored =>
    {
        if (ConnectorRequests.NameMismatch(m.Name, m.Patch, patch: true) is { } mismatch)
        {
            Sender.Tell(Failure(mismatch));
            return;
        }

        var config = ConnectorRequests.ApplyPatch(stored.Config, m.Patch);

        ValidateThen(config, (_, plugin) => WithConnector(m.Name, current =>
        {
            var type = plugin.IsSource ? "source" : "sink";
            StoreThen(current with { Config = config }, waitForEntity: false, () => new ConnectorInfo(m.Name, config, [], type));
        }));
    });

    private void OnDelete(WorkerProtocol.DeleteConnector m) => WithConnector(m.Name, _ =>
    {
        if (_writing.Contains(m.Name))
        {
            Sender.Tell(Failure(WriteUnderWay(m.Name)));
            return;
        }

        var (store, region, requester, self, timeout, log) = (_cluster.Configs, _region, Sender, Self, EntityTimeout, _log);
        _writing.Add(m.Name);
        // Answered once the entity has stopped the tasks and removed the statuses, wherever it runs.
        Task.Run(() => store.Remove(m.Name))
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? region.Ask<ConnectorEntityProtocol.Applied>(new ConnectorEntityProtocol.Envelope(m.Name, ConnectorEntityProtocol.Refresh.Instance), timeout)
                : Task.FromException<ConnectorEntityProtocol.Applied>(t.Exception!.GetBaseException()))
            .Unwrap()
            .ContinueWith(t =>
            {
                self.Tell(new WriteDone(m.Name));
                if (t.IsCompletedSuccessfully)
                {
                    log.Info("Connector {0} deleted", m.Name);
                    return (object)new WorkerProtocol.ConnectorDeleted(m.Name);
                }

                return Failure(t.Exception);
            })
            .PipeTo(requester);
    });

    private void OnSetTargetState(WorkerProtocol.SetTargetState m) => WithConnector(m.Name, stored =>
    {
        if (_offsetsChanging.Contains(m.Name) && m.State != TargetState.Stopped)
        {
            Sender.Tell(Failure(new ConflictException($"The offsets of connector {m.Name} are being changed; resume it once that request has completed")));
            return;
        }

        StoreThen(stored with { TargetState = m.State }, waitForEntity: true, () => new WorkerProtocol.TargetStateSet(m.Name, m.State));
    });

    private bool Exists(string name) => _writing.Contains(name) || _cluster.Configs.Read(name) is not null;

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
            Sender.Tell(Failure(WriteUnderWay(connector.Name)));
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
                    return Failure(t.Exception);
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
                    return Failure(e);
                }
            })
            .Unwrap()
            .PipeTo(requester);
    }

    private static ConflictException WriteUnderWay(string name) =>
        new($"Another change of connector {name} is being written to the config topic; try again when it has completed");

    private void ValidateThen(IReadOnlyDictionary<string, string> config, Action<ConnectorConfig, ConnectorPlugin> then)
    {
        var (services, log) = (_cluster.Tasks, _log);
        Task.Run(() => ConnectorValidator.Validate(config, services)).PipeTo(Self, Sender,
            r => new Validated(r.Config, r.Plugin, then),
            e =>
            {
                var cause = e is AggregateException { InnerException: { } inner } ? inner : e;
                log.Warning("Connector config rejected: {0}", services.Providers.Secrets.Redact(cause.Message));
                return new Rejected(cause);
            });
    }

    /// <summary>A config passed validation; <see cref="Then"/> continues the request on the mailbox.</summary>
    private sealed record Validated(ConnectorConfig Config, ConnectorPlugin Plugin, Action<ConnectorConfig, ConnectorPlugin> Then);

    /// <summary>A config failed validation: the requester (this message's sender) gets the reason.</summary>
    private sealed record Rejected(Exception Cause);

    /// <summary>A write to the config topic has ended, stored or not.</summary>
    private sealed record WriteDone(string Name);
}
