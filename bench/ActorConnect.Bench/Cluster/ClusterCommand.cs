using System.Globalization;

namespace ActorConnect.Bench.Cluster;

/// <summary>
/// <c>acbench cluster</c>: the distributed benchmark (bench/failover.sh drives it). Starts the workers (all at once,
/// timing how long until they form one cluster, and again after each whole-cluster stop), runs the failover rounds with connector F, then the churn run with connector A, appends every row to the CSV and ends
/// with one RESULT line of the summary figures.
/// </summary>
internal static class ClusterCommand
{
    private const string Verifiable = "ActorConnect.Cluster.Tests.TestConnectors.VerifiableSourceConnector";

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var o = ClusterOptions.From(options);
        string Need(string key) => options.TryGetValue(key, out var v) ? v : throw new ArgumentException($"missing {key}");
        var rounds = int.Parse(options.GetValueOrDefault("--rounds", "10"));
        var tasks = int.Parse(options.GetValueOrDefault("--tasks", "3"));
        var churnSeconds = double.Parse(options.GetValueOrDefault("--churn-seconds", "60"), CultureInfo.InvariantCulture);
        var csv = new ResultsCsv(Need("--csv"), Need("--run"), options.GetValueOrDefault("--label", "defaults"));
        var prefix = o.Group;

        var startupRounds = int.Parse(options.GetValueOrDefault("--startup-rounds", "1"));
        using var cluster = await BenchCluster.StartAsync(o);
        // Later starts are whole-cluster restarts: the stopped workers' announcements are still in the config topic.
        for (var round = 2; round <= startupRounds; round++)
        {
            cluster.StopAll();
            await cluster.StartAllAsync();
        }

        using var rest = new ConnectRest();
        var results = new List<string>();
        foreach (var (startup, round) in cluster.Startups.Select((s, i) => (s, i + 1)))
        {
            csv.Startup(round, startup);
            Console.Error.WriteLine($"acbench: start {round}: every node saw {o.Size} Up after {ResultsCsv.S(startup.Seconds)} s (formed by node {startup.Founder?.ToString(CultureInfo.InvariantCulture) ?? "?"}); load {ResultsCsv.Load1()}");
        }

        var startups = cluster.Startups.Select(s => s.Seconds).Order().ToList();
        results.Add($"startup_rounds={startups.Count} startup_median_s={ResultsCsv.S(Median(startups))} startup_worst_s={ResultsCsv.S(startups[^1])}");

        if (rounds > 0)
        {
            var topic = Need("--failover-topic");
            using var watermark = new Watermark(o.Bootstrap, o.Legacy, topic);
            var name = $"{prefix}-f";
            await rest.CreateAsync(cluster.Nodes[0], name, Source(name, topic, tasks, batch: 10, delayMs: 20));
            var times = await Failover.RunAsync(cluster, rest, watermark, name, tasks, rounds, csv);
            await rest.DeleteAsync(cluster.Live.First(), name);
            var sorted = times.Order().ToList();
            results.Add($"rounds={sorted.Count} median_running_s={ResultsCsv.S(Median(sorted))} worst_running_s={ResultsCsv.S(sorted[^1])}");
        }

        if (churnSeconds > 0)
        {
            var topicA = Need("--churn-topic");
            var topicB = Need("--churn-b-topic");
            using var watermark = new Watermark(o.Bootstrap, o.Legacy, topicA);
            using var watermarkB = new Watermark(o.Bootstrap, o.Legacy, topicB);
            var a = $"{prefix}-a";
            // A is paced (at most tasks x 20 records per 10 ms), so a dip shows a stall, not a CPU-bound rate that wobbles with the machine.
            await rest.CreateAsync(cluster.Nodes[0], a, Source(a, topicA, tasks, batch: 20, delayMs: 10));
            var r = await Churn.RunAsync(cluster, rest, watermark, watermarkB, a, tasks, Source("", topicB, tasks, batch: 20, delayMs: 10), tasks,
                baselineSeconds: 10, churnSeconds, TimeSpan.FromMilliseconds(int.Parse(options.GetValueOrDefault("--churn-hold-ms", "2000"))), csv, () => Churn.CountDuplicates(o.Bootstrap, o.Legacy, topicA));
            results.Add(FormattableString.Invariant(
                $"churn_cycles={r.Cycles} steady_rate={r.Steady:0} min_rate={r.Min} mean_rate_during_churn={r.MeanDuringChurn:0} a_restarts_before={r.RestartsBefore} a_restarts_after={r.RestartsAfter} a_worker_before={r.WorkerBefore} a_worker_after={r.WorkerAfter} a_records={r.Records} a_duplicates={r.Duplicates}"));
            await rest.DeleteAsync(cluster.Live.First(), a);
        }

        // Safety: failure-detector false alarms and healthy nodes downed, over the whole run (both parts).
        results.Add($"false_unreachable={cluster.Nodes.Sum(n => n.ReachableAgain)} healthy_downed={cluster.Nodes.Sum(n => n.DownedItself)}");
        Console.WriteLine("RESULT " + string.Join(" ", results));
        return 0;
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static Dictionary<string, string> Source(string name, string topic, int tasks, int batch, int delayMs) => new()
    {
        ["name"] = name,
        ["connector.class"] = Verifiable,
        ["tasks.max"] = tasks.ToString(CultureInfo.InvariantCulture),
        ["topic"] = topic,
        ["batch.size"] = batch.ToString(CultureInfo.InvariantCulture),
        ["poll.delay.ms"] = delayMs.ToString(CultureInfo.InvariantCulture),
    };
}
