using System.Runtime.InteropServices;
using ActorConnect.Api.Errors;
using ActorConnect.Rest;
using ActorConnect.Rest.Hosting;
using ActorConnect.Rest.Logging;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using Akka.Configuration;
using Serilog;

namespace ActorConnect.Host;

/// <summary>
/// <c>actorconnect standalone worker.properties connector.properties...</c>: starts the REST server, the worker and
/// the connectors, and on Ctrl-C or SIGTERM stops the REST server, then the connectors cleanly (offsets flushed, sink
/// offsets committed) before exiting. A connector whose config is bad is reported and skipped; the others run.
/// </summary>
internal static class StandaloneCommand
{
    public static async Task<int> RunAsync(FileInfo workerFile, FileInfo[] connectorFiles, FileInfo? hoconFile, int statusIntervalSeconds, CancellationToken cancellation)
    {
        var levels = HostRun.CreateLogging();
        try
        {
            using var stop = new StopSignal(cancellation);

            WorkerConfig config;
            StandaloneStateFiles stateFiles;
            Config hocon;
            try
            {
                config = WorkerConfig.ParseStandalone(WorkerPropertiesFile.Load(workerFile));
                hocon = HostRun.LoadHocon(hoconFile);
                // A bad runtime setting (naming its key) stops the start here, before the REST port is bound.
                RuntimeSettings.Create(hocon.WithFallback(RuntimeSettings.DefaultConfig()));
                // Before the REST port is bound: a worker whose offsets or connectors it cannot read must not serve.
                stateFiles = StandaloneStateFiles.Open(config, line => Log.Warning("{Message}", line));
            }
            catch (Exception e) when (e is ConfigException or FileNotFoundException)
            {
                Log.Fatal("Cannot start: {Message}", e.Message);
                return 2;
            }

            // The ActorSystem starts while the REST server binds: neither needs the other, and each is a good part of the
            // start-up that every restart pays (bench/results/perf-notes.md).
            var system = Task.Run(() => StandaloneWorker.CreateSystem(hocon));
            await using var rest = await HostRun.StartRestAsync(config.Originals, hocon, levels, cancellation);
            if (rest is null)
            {
                await (await system).Terminate();
                return 2;
            }

            using var tracing = HostRun.StartTracing(config);
            await using var worker = StandaloneWorker.Start(await system, stateFiles, config, rest.WorkerId);
            rest.Attach(worker.Worker, worker.Services.Providers.Secrets);
            HostRun.WarnUnknownKeys(config.Originals, worker.Services.Plugins);
            Log.Information("ActorConnect standalone worker {WorkerId} started; Kafka at {Bootstrap}, offsets in {OffsetsFile}", rest.WorkerId, config.BootstrapServersValue, config.OffsetStorageFile);

            foreach (var file in connectorFiles)
            {
                try
                {
                    // As Kafka Connect's standalone: create, or replace the config the config store brought back,
                    // keeping the target state set over REST (a connector stopped by hand stays stopped).
                    var put = await worker.PutConnectorConfigAsync(ConnectorFile.Load(file));
                    Log.Information("Connector {Name} {Action} from {File}", put.Info.Name, put.Created ? "created" : "updated", file.Name);
                }
                catch (Exception e) when (e is ConnectException or FileNotFoundException or System.Text.Json.JsonException)
                {
                    Log.Error("Connector from {File} not started: {Message}", file.FullName, e.Message);
                }
            }

            await PrintStatusAsync(worker);
            if (statusIntervalSeconds > 0)
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(statusIntervalSeconds));
                while (await Task.WhenAny(stop.Stopping, timer.WaitForNextTickAsync().AsTask()) != stop.Stopping)
                {
                    await PrintStatusAsync(worker);
                }
            }
            else
            {
                await stop.Stopping;
            }

            Log.Information("Stopping: REST server first, then flushing offsets and stopping connectors");
            // No new requests may reach a worker that is stopping; requests in flight finish (bounded) first.
            await rest.StopAsync();
            await PrintStatusAsync(worker);
            await worker.StopAsync();
            Log.Information("Stopped cleanly");
            return 0;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }

    private static async Task PrintStatusAsync(StandaloneWorker worker)
    {
        foreach (var status in await worker.StatusAsync())
        {
            Log.Information("Status {Connector}: {State} ({Type}){Failed}{Tasks}", status.Name, status.State.ToString().ToUpperInvariant(), status.Type,
                status.HasFailedTasks ? " with FAILED tasks" : string.Empty,
                string.Concat(status.Tasks.Select(t => $"; task {t.Id} {t.State.ToString().ToUpperInvariant()}{(t.RestartCount > 0 ? $" restarts={t.RestartCount}" : string.Empty)}{(t.LastError is null ? string.Empty : $" ({t.LastError})")}")));
        }
    }
}
