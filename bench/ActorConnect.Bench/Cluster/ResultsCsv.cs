using System.Globalization;

namespace ActorConnect.Bench.Cluster;

/// <summary>
/// bench/results/failover.csv: one row per failover round or per second of the churn run, appended, so runs with
/// different settings (the label) stay side by side. Empty cells are columns the row's kind does not use.
/// </summary>
internal sealed class ResultsCsv(string path, string run, string label)
{
    private const string Header = "run,label,kind,index,killed,killed_oldest,new_worker,running_s,flow_s,unreachable_s,downed_s,removed_s,records_per_s,event,load1,b_records_per_s";

    public void Failover(int round, WorkerNode killed, bool oldest, string? newWorker, double? running, double? flow, double? unreachable, double? downed, double? removed) =>
        Append(["failover", I(round), killed.WorkerId, oldest ? "yes" : "no", newWorker ?? "", S(running), S(flow), S(unreachable), S(downed), S(removed), "", "", Load1(), ""]);

    /// <summary>One start of the whole cluster: seconds to all Up on every node (in running_s), each node's and the founder in the event cell.</summary>
    public void Startup(int round, Startup startup) =>
        Append(["startup", I(round), "", "", "", S(startup.Seconds), "", "", "", "", "",
            string.Join("; ", startup.PerNode.Select((s, i) => $"node{i} {S(s)}")) + $"; formed by node{startup.Founder?.ToString(CultureInfo.InvariantCulture) ?? "?"}", Load1(), ""]);

    /// <summary>A's records in one second, and B's (all B connectors write one topic), with what happened in it.</summary>
    public void Throughput(int second, long records, long recordsB, string events) =>
        Append(["throughput", I(second), "", "", "", "", "", "", "", "", I(records), events, Load1(), I(recordsB)]);

    public static string S(double? seconds) => seconds is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "";

    public static string Load1() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static string I(long n) => n.ToString(CultureInfo.InvariantCulture);

    private void Append(string[] cells)
    {
        var fresh = !File.Exists(path);
        using var writer = new StreamWriter(path, append: true);
        if (fresh)
        {
            writer.WriteLine(Header);
        }

        // Events hold no comma (the churn run writes them with ';'), so no quoting is needed.
        writer.WriteLine(string.Join(",", new[] { run, label }.Concat(cells)));
    }
}
