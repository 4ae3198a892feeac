using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorConnect.Bench.Cluster;

/// <summary>
/// One <c>actorconnect distributed</c> process. Its output goes to a log file with this tool's clock in front of each
/// line (the worker's own timestamps have whole seconds only), and lines that mark a failover step are remembered with
/// the instant they arrived, so a round can split its time into detection, downing and restart.
/// </summary>
internal sealed class WorkerNode
{
    private readonly string _hostDll;
    private readonly string _properties;
    private readonly string? _hocon;
    private readonly StreamWriter _log;
    private readonly object _gate = new();
    private readonly List<(DateTime At, string Line)> _marks = new();
    private Process? _process;
    private int _reachableAgain;
    private int _downedItself;

    public WorkerNode(int index, string hostDll, string properties, string? hocon, string logPath, int restPort, int clusterPort)
    {
        Index = index;
        _hostDll = hostDll;
        _properties = properties;
        _hocon = hocon;
        RestPort = restPort;
        ClusterPort = clusterPort;
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
    }

    public int Index { get; }

    public int RestPort { get; }

    public int ClusterPort { get; }

    /// <summary>The worker id every node reports for this one: its advertised REST host:port.</summary>
    public string WorkerId => $"127.0.0.1:{RestPort}";

    public string RestBase => $"http://127.0.0.1:{RestPort}";

    public bool Running => _process is { HasExited: false };

    /// <summary>
    /// Members this node saw become reachable again, over all its incarnations: each was marked unreachable while alive
    /// (a killed node never comes back under the same identity), a false alarm of the failure detector.
    /// </summary>
    public int ReachableAgain => Volatile.Read(ref _reachableAgain);

    /// <summary>How many times the Split Brain Resolver downed this node while it was alive (it then exits).</summary>
    public int DownedItself => Volatile.Read(ref _downedItself);

    public void Start()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(_hostDll);
        psi.ArgumentList.Add("distributed");
        psi.ArgumentList.Add(_properties);
        if (_hocon is not null)
        {
            psi.ArgumentList.Add("--hocon");
            psi.ArgumentList.Add(_hocon);
        }

        lock (_gate)
        {
            _marks.Clear();
        }

        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _log.WriteLine($"--- {DateTime.UtcNow:HH:mm:ss.fff} acbench started node {Index} (pid {process.Id})");
    }

    /// <summary>SIGKILL: the process gets no chance to leave the cluster or flush anything.</summary>
    public DateTime KillHard()
    {
        var at = DateTime.UtcNow;
        _process!.Kill();
        _process.WaitForExit();
        _log.WriteLine($"--- {at:HH:mm:ss.fff} acbench sent SIGKILL to node {Index}");
        return at;
    }

    /// <summary>SIGTERM (the worker leaves the cluster gracefully), then SIGKILL if it has not exited in time.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_process is not { HasExited: false } p)
        {
            return;
        }

        _ = SysKill(p.Id, 15);
        if (!p.WaitForExit(grace))
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <summary>How many lines so far contain <paramref name="text"/>.</summary>
    public int Count(string text)
    {
        lock (_gate)
        {
            return _marks.Count(m => m.Line.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>The last line that contains <paramref name="text"/>, if any.</summary>
    public string? Last(string text)
    {
        lock (_gate)
        {
            return _marks.LastOrDefault(m => m.Line.Contains(text, StringComparison.Ordinal)).Line;
        }
    }

    /// <summary>When the first line after <paramref name="since"/> containing every one of <paramref name="parts"/> arrived.</summary>
    public DateTime? FirstAfter(DateTime since, params string[] parts)
    {
        lock (_gate)
        {
            foreach (var (at, line) in _marks)
            {
                if (at >= since && parts.All(p => line.Contains(p, StringComparison.Ordinal)))
                {
                    return at;
                }
            }
        }

        return null;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var at = DateTime.UtcNow;
        if (line.Contains("is reachable again", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _reachableAgain);
        }

        if (line.Contains("was removed from the cluster (downed)", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _downedItself);
        }

        _log.WriteLine($"{at:HH:mm:ss.fff} {line}");
        // Only the lines a round looks at are kept in memory: membership, discovery, SBR and connector lifecycle.
        if (line.Contains("Cluster member", StringComparison.Ordinal) || line.Contains("SBR", StringComparison.Ordinal) || line.Contains("Discovery: ", StringComparison.Ordinal)
            || line.Contains("distributed worker started", StringComparison.Ordinal) || line.Contains("Connector", StringComparison.Ordinal))
        {
            lock (_gate)
            {
                _marks.Add((at, line));
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
