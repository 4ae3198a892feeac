using ActorConnect.Kafka;
using ActorConnect.Runtime.Config;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Clients;

/// <summary>
/// Published on the ActorSystem's event stream whenever the worker's reach to Kafka changes: every task supervisor
/// puts <paramref name="Problem"/> in its RUNNING task's status (null: reachable again, nothing to say).
/// </summary>
public sealed record KafkaConnectivityChanged(string? Problem);

/// <summary>Starts the one check per worker of whether it reaches Kafka, for both modes.</summary>
public static class WorkerConnectivity
{
    /// <summary>
    /// Checks once the broker's features are known (an old broker is asked only what it understands); each change is
    /// logged once (warning when lost, info when back) and published as <see cref="KafkaConnectivityChanged"/>.
    /// </summary>
    /// <remarks>The check speaks the worker's clients' security (<see cref="BrokerFeaturesCache.Security"/>): over TLS a
    /// certificate problem is reported as such, naming the key to fix.</remarks>
    /// <returns>The running check.</returns>
    public static KafkaConnectivity Start(ActorSystem system, WorkerConfig config, BrokerFeaturesCache broker, RuntimeSettings settings)
    {
        var log = system.Log;
        var bootstrap = config.BootstrapServersValue;
        var connectivity = new KafkaConnectivity(
            async ct =>
            {
                var features = await broker.GetAsync(settings.ConnectivityCheckTimeout, ct).ConfigureAwait(false);
                await KafkaBrokerProbe.PingAsync(bootstrap, features.IsLegacy, settings.ConnectivityCheckTimeout, ct, broker.Security).ConfigureAwait(false);
            },
            settings.ConnectivityCheckInterval,
            state =>
            {
                var problem = state.Describe(bootstrap);
                if (problem is null)
                {
                    log.Info("Kafka at bootstrap.servers '{0}' answers again; tasks carry on where they were", bootstrap);
                }
                else
                {
                    log.Warning("{0}", problem);
                }

                system.EventStream.Publish(new KafkaConnectivityChanged(problem));
            });
        connectivity.Start();
        return connectivity;
    }
}
