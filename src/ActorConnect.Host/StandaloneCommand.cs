using System.Runtime.InteropServices;
using ActorConnect.Api.Errors;
using ActorConnect.Rest;
using ActorConnect.Rest.Hosting;
using ActorConnect.Rest.Logging;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Status;
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
        // ASP.NET Core logs every request at INFO; WARN keeps the worker's log about connectors, as Kafka Connect's
        // log4j file quiets its chattier libraries. Both are listed (and changeable) under /admin/loggers.
        var levels = new LogLevelRegistry("INFO", new Dictionary<string, string> { ["Microsoft.AspNetCore"] = "WARN", ["Microsoft.Hosting"] = "WARN" });
        Log.Logger = levels.Apply(new LoggerConfiguration())
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
            .CreateLogger();
        try
        {
            // Registered first: a SIGTERM or Ctrl-C that arrives while the worker is still starting is kept and
            // honoured as a clean stop once it has started, instead of killing the process mid-start.
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                stopping.TrySetResult();
            });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
            {
                ctx.Cancel = true;
                stopping.TrySetResult();
            });
            using var reg = cancellation.Register(() => stopping.TrySetResult());

            WorkerConfig config;
            RestOptions restOptions;
            try
            {
                config = WorkerConfig.ParseStandalone(WorkerPropertiesFile.Load(workerFile));
                restOptions = RestOptions.FromWorkerProperties(config.Originals);
            }
            catch (Exception e) when (e is ConfigException or FileNotFoundException)
            {
                Log.Fatal("Cannot start: {Message}", e.Message);
                return 2;
            }

            // The server binds before the worker starts, as in Kafka Connect: the worker id is its advertised address.
            await using var rest = RestServer.Create(restOptions, levels, new Serilog.Extensions.Logging.SerilogLoggerProvider(Log.Logger));
            try
            {
                await rest.StartAsync(cancellation);
            }
            catch (IOException e)
            {
                Log.Fatal("Cannot start the REST server on {Listeners}: {Message}. Free the port or change the worker key 'listeners'.",
                    string.Join(",", restOptions.Listeners), e.Message);
                return 2;
            }

            Log.Information("REST API listening on {Urls}, advertised as {Advertised}", string.Join(", ", rest.BoundUrls), rest.AdvertisedUrl);
            var hocon = LoadHocon(hoconFile);
            await using var worker = StandaloneWorker.Start(config, hocon, rest.WorkerId);
            rest.Attach(worker.Worker);
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
                while (await Task.WhenAny(stopping.Task, timer.WaitForNextTickAsync().AsTask()) != stopping.Task)
                {
                    await PrintStatusAsync(worker);
                }
            }
            else
            {
                await stopping.Task;
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

    private static Config LoadHocon(FileInfo? hoconFile)
    {
        var hostConf = Path.Combine(AppContext.BaseDirectory, "hocon", "host.conf");
        var config = File.Exists(hostConf) ? ConfigurationFactory.ParseString(File.ReadAllText(hostConf)) : Config.Empty;
        if (hoconFile is not null)
        {
            config = ConfigurationFactory.ParseString(File.ReadAllText(hoconFile.FullName)).WithFallback(config);
        }

        return config;
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
