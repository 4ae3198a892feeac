using ActorConnect.Api.Errors;
using ActorConnect.Cluster;
using ActorConnect.Cluster.Config;
using ActorConnect.Kafka;
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
        var levels = HostRun.CreateLogging();
        try
        {
            using var stop = new StopSignal(cancellation);
            DistributedConfig config;
            try
            {
                config = DistributedConfig.Parse(WorkerPropertiesFile.Load(workerFile));
            }
            catch (Exception e) when (e is ConfigException or FileNotFoundException)
            {
                Log.Fatal("Cannot start: {Message}", e.Message);
                return 2;
            }

            // The node's own HOCON (with the ACTORCONNECT__ variables), so REST waits are set as every other setting is.
            await using var rest = await HostRun.StartRestAsync(config.Worker.Originals, ClusterSettings.NodeConfig(config, HostRun.LoadHocon(hoconFile)), levels, cancellation);
            if (rest is null)
            {
                return 2;
            }

            using var tracing = HostRun.StartTracing(config.Worker);
            var warned = false; // a worker that leaves to rejoin another cluster starts again with the same keys
            while (true)
            {
                DistributedWorker worker;
                try
                {
                    // As in Kafka Connect, a worker's id is its advertised REST address, the same in every node's status.
                    worker = await DistributedWorker.StartAsync(config, HostRun.LoadHocon(hoconFile), DistinctWorkerId(rest.WorkerId, config));
                }
                catch (Exception e) when (e is KafkaLogTopicException or ConfigException)
                {
                    Log.Fatal("Cannot start: {Message}", e.Message);
                    return 2;
                }

                rest.Attach(worker.Worker, worker.Services.Tasks.Providers.Secrets);
                if (!warned)
                {
                    HostRun.WarnUnknownKeys(config.Worker.Originals, worker.Services.Tasks.Plugins);
                    warned = true;
                }

                Log.Information("ActorConnect distributed worker started: cluster address {Address}, worker id {WorkerId}, group {Group}, Kafka at {Bootstrap}",
                    worker.Address, worker.Services.Tasks.WorkerId, config.GroupIdValue, config.Worker.BootstrapServersValue);

                // The ActorSystem also ends without a signal when the Split Brain Resolver downs this node, or when its
                // discovery finds that an older cluster of its group runs and leaves to join it.
                if (await Task.WhenAny(stop.Stopping, worker.System.WhenTerminated) != stop.Stopping)
                {
                    if (worker.EndedToRejoin && !stop.Stopping.IsCompleted)
                    {
                        Log.Warning("This worker left its cluster to join the older cluster of group {Group}: starting it again", config.GroupIdValue);
                        rest.Detach();
                        await worker.StopAsync();
                        continue;
                    }

                    Log.Error("{Reason}. Exiting", worker.EndedBecause());
                    await rest.StopAsync();
                    await worker.StopAsync();
                    return 1;
                }

                Log.Information("Stopping: REST server first, then handing connectors over to the other nodes");
                await rest.StopAsync();
                await worker.StopAsync();
                Log.Information("Stopped cleanly");
                return 0;
            }
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }

    /// <summary>
    /// The advertised REST address, unless it is a loopback one the user did not choose (the REST API listens on loopback
    /// by default): then every node would advertise 127.0.0.1:8083, so the cluster host name stands in for it.
    /// </summary>
    internal static string DistinctWorkerId(string advertised, DistributedConfig config)
    {
        var colon = advertised.LastIndexOf(':');
        var host = colon > 0 ? advertised[..colon].Trim('[', ']') : advertised;
        var loopback = host == "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
        return loopback && !config.Worker.Originals.ContainsKey("rest.advertised.host.name")
            ? $"{config.Hostname}:{advertised[(colon + 1)..]}"
            : advertised;
    }
}
