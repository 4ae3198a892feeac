using System.Runtime.InteropServices;
using ActorConnect.Api.Errors;
using ActorConnect.Cluster;
using ActorConnect.Cluster.Config;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Config;
using Akka.Configuration;
using Serilog;

namespace ActorConnect.Host;

/// <summary>
/// <c>actorconnect distributed worker.properties</c>: starts one node of a distributed cluster (Kafka Connect's
/// connect-distributed) and runs until SIGTERM or SIGINT, then leaves the cluster gracefully: its connectors stop
/// with their offsets flushed and start again on the other nodes.
/// </summary>
internal static class DistributedCommand
{
    public static async Task<int> RunAsync(FileInfo workerFile, FileInfo? hoconFile, CancellationToken cancellation)
    {
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
            .CreateLogger();
        try
        {
            DistributedConfig config;
            try
            {
                config = DistributedConfig.Parse(JavaProperties.Load(workerFile.FullName));
            }
            catch (Exception e) when (e is ConfigException or FileNotFoundException)
            {
                Log.Fatal("Cannot start: {Message}", e.Message);
                return 2;
            }

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

            DistributedWorker worker;
            try
            {
                worker = await DistributedWorker.StartAsync(config, LoadHocon(hoconFile));
            }
            catch (KafkaLogTopicException e)
            {
                Log.Fatal("Cannot start: {Message}", e.Message);
                return 2;
            }

            Log.Information("ActorConnect distributed worker started: cluster address {Address}, worker id {WorkerId}, group {Group}, Kafka at {Bootstrap}",
                worker.Address, worker.Services.Tasks.WorkerId, config.GroupIdValue, config.Worker.BootstrapServersValue);

            // The ActorSystem also ends without a signal when the Split Brain Resolver downs this node.
            if (await Task.WhenAny(stopping.Task, worker.System.WhenTerminated) != stopping.Task)
            {
                Log.Error("This node was removed from the cluster (downed); its connectors run on the other nodes. Exiting");
                await worker.StopAsync();
                return 1;
            }

            Log.Information("Stopping: handing connectors over to the other nodes");
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
}
