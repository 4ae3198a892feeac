using System.Reflection;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using Akka.Actor;
using Akka.Hosting;

namespace ActorConnect.Hosting;

/// <summary>The key under which the worker actor is registered in Akka.Hosting's <see cref="ActorRegistry"/>.</summary>
public sealed class ActorConnectWorker;

/// <summary>
/// Adds ActorConnect to an application's own ActorSystem through Akka.Hosting: the runtime's HOCON defaults, a
/// standalone worker started with the system (its actors beside the application's), registered as
/// <see cref="ActorConnectWorker"/> so the application can send it <see cref="Runtime.Worker.WorkerProtocol"/>
/// requests, and stopped cleanly (offsets flushed, sink offsets committed) when the system shuts down.
/// </summary>
public static class ActorConnectHostingExtensions
{
    public static AkkaConfigurationBuilder WithActorConnect(
        this AkkaConfigurationBuilder builder,
        IReadOnlyDictionary<string, string> workerProperties,
        string? workerId = null,
        params Assembly[] pluginAssemblies)
    {
        // Parsed now, so a bad worker config fails the host's start with the key named, not later in a startup task.
        var config = WorkerConfig.ParseStandalone(workerProperties);
        builder.AddHocon(RuntimeSettings.DefaultConfig(), HoconAddMode.Append);
        // Started as the actors the application adds are (in order), so actors added after this call find the worker
        // in the registry.
        builder.WithActors((system, registry) =>
        {
            var worker = StandaloneWorker.Start(system, config, workerId ?? $"{Environment.MachineName}:embedded", ownsSystem: false, pluginAssemblies);
            registry.Register<ActorConnectWorker>(worker.Worker);
            // Before the application's actors are told to stop: connectors flush while Kafka clients still work.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "actorconnect-stop", async () =>
            {
                await worker.StopAsync().ConfigureAwait(false);
                return Akka.Done.Instance;
            });
        });
        return builder;
    }
}
