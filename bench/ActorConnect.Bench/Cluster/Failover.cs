using System.Diagnostics;

namespace ActorConnect.Bench.Cluster;

/// <summary>
/// Failover rounds: SIGKILL the node that runs the connector, then poll a survivor's REST status every 100 ms until
/// the connector and all its tasks are RUNNING on a survivor, and the topic's high watermark until records flow again;
/// then start the killed node again and wait until every node sees it Up, and repeat.
/// </summary>
internal static class Failover
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(120);

    public static async Task<List<double>> RunAsync(BenchCluster cluster, ConnectRest rest, Watermark topic, string connector, int tasks, int rounds, ResultsCsv csv)
    {
        var times = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var current = await StableAsync(cluster, rest, connector, tasks);
            var killed = cluster.ByWorkerId(current.WorkerId);
            var oldest = cluster.Oldest == killed;
            var survivors = cluster.Live.Where(n => n != killed).ToList();
            var t0 = cluster.KillHard(killed);
            var clock = Stopwatch.StartNew();

            // SIGKILL closes the worker's sockets at once, but a produce request already read by the broker may still be
            // appended: the baseline is taken after that has settled, long before any survivor could send.
            await Task.Delay(500);
            var baseline = topic.Read();
            while (baseline is null)
            {
                baseline = topic.Read();
            }

            double? running = null, flow = null;
            string? newWorker = null;
            var ask = 0;
            while ((running is null || flow is null) && clock.Elapsed < RoundTimeout)
            {
                if (running is null)
                {
                    var status = await rest.StatusAsync(survivors[ask % survivors.Count], connector);
                    if (status is null)
                    {
                        ask++; // that survivor did not answer in time: ask the other one next
                    }
                    else if (status.RunningOn(tasks, killed.WorkerId))
                    {
                        running = clock.Elapsed.TotalSeconds;
                        newWorker = status.WorkerId;
                    }
                }

                if (flow is null && topic.Read() is { } now && now > baseline)
                {
                    flow = clock.Elapsed.TotalSeconds;
                }

                await Task.Delay(Poll);
            }

            var port = ":" + killed.ClusterPort;
            double? Step(params string[] parts) =>
                survivors.Select(s => s.FirstAfter(t0, parts)).Where(t => t is not null).Select(t => (t!.Value - t0).TotalSeconds).DefaultIfEmpty(double.NaN).Min() is var v && !double.IsNaN(v) ? v : null;
            var unreachable = Step("Cluster member", port, "unreachable");
            // Downed by the Split Brain Resolver, or at once by the node that found the killed node's port refused.
            var downed = new[] { Step("SBR", "downing", port), Step("refuses connections", port) }.Where(t => t is not null).Min();
            var removed = Step("Cluster member", port, "removed");
            csv.Failover(round, killed, oldest, newWorker, running, flow, unreachable, downed, removed);
            Console.Error.WriteLine($"acbench: round {round}: killed node {killed.Index}{(oldest ? " (oldest)" : "")}; unreachable {ResultsCsv.S(unreachable)} s, " +
                                    $"downed {ResultsCsv.S(downed)} s, removed {ResultsCsv.S(removed)} s, RUNNING on {newWorker ?? "-"} after {ResultsCsv.S(running)} s, " +
                                    $"records flow after {ResultsCsv.S(flow)} s; load {ResultsCsv.Load1()}");
            if (running is null)
            {
                throw new TimeoutException($"round {round}: {connector} not RUNNING on a survivor within {RoundTimeout.TotalSeconds} s");
            }

            times.Add(running.Value);
            await cluster.RestartAsync(killed);
        }

        return times;
    }

    /// <summary>
    /// Waits until the connector runs on one node and still runs there a second later: a node that just joined may
    /// receive shards from the coordinator's rebalance, and a round must not start in the middle of a hand-off.
    /// </summary>
    public static async Task<ConnectRest.Status> StableAsync(BenchCluster cluster, ConnectRest rest, string connector, int tasks)
    {
        var clock = Stopwatch.StartNew();
        string? seen = null;
        while (clock.Elapsed < RoundTimeout)
        {
            var status = await rest.StatusAsync(cluster.Live.First(), connector);
            if (status is not null && status.RunningOn(tasks, null) && cluster.Live.Any(n => n.WorkerId == status.WorkerId))
            {
                if (seen == status.WorkerId)
                {
                    return status;
                }

                seen = status.WorkerId;
                await Task.Delay(1000);
                continue;
            }

            seen = null;
            await Task.Delay(Poll);
        }

        throw new TimeoutException($"{connector} did not settle RUNNING on a live node within {RoundTimeout.TotalSeconds} s");
    }
}
