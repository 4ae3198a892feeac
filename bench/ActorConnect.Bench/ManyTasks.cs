using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// The "many tasks on one worker" row (issue 19): against a running worker's REST API, creates <c>--sources</c>
/// FileStreamSource connectors (one task each, a small file each, topic i) and as many FileStreamSink connectors with
/// <c>--sink-tasks</c> tasks each (sink i reads topics i and i+1, so every sink task has partitions to join for and
/// every line crosses the worker twice); waits until every task is RUNNING and every sink file holds exactly the lines
/// of its two sources; then samples the worker (<c>--pid</c>): RSS, threads, CPU over <c>--idle-s</c> seconds with
/// nothing flowing, and the latency of <c>--requests</c> REST reads (GET /connectors/{name}/status and GET /connectors,
/// alternately, one at a time).
/// </summary>
internal static class ManyTasks
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static int Run(string restUrl, string bootstrap, string dir, string topicPrefix, IReadOnlyDictionary<string, string> options)
    {
        int Opt(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var sources = Opt("--sources", 50);
        var sinkTasks = Opt("--sink-tasks", 5);
        var lines = Opt("--lines", 20);
        var idleSeconds = Opt("--idle-s", 30);
        var requests = Opt("--requests", 500);
        var timeout = TimeSpan.FromSeconds(Opt("--timeout", 600));
        var pid = int.Parse(options["--pid"], CultureInfo.InvariantCulture);
        var legacy = options.ContainsKey("--legacy");
        var started = Stopwatch.StartNew();

        Directory.CreateDirectory(dir);
        var expected = new List<string>[sources];
        for (var i = 0; i < sources; i++)
        {
            expected[i] = Enumerable.Range(0, lines).Select(j => $"source {i} line {j} {new string('x', 60)}").ToList();
            File.WriteAllText(SourceFile(dir, i), string.Join('\n', expected[i]) + "\n");
        }

        // The topics first (auto-created by a metadata request, with the broker's num.partitions): a sink subscribed to
        // a topic that does not exist yet waits for librdkafka's next metadata refresh, minutes away.
        EnsureTopics(bootstrap, legacy, Enumerable.Range(0, sources).Select(i => Topic(topicPrefix, i)).ToList(), timeout);

        using var http = new HttpClient { BaseAddress = new Uri(restUrl), Timeout = TimeSpan.FromSeconds(120) };
        for (var i = 0; i < sources; i++)
        {
            Create(http, $"many-src-{i}", new()
            {
                ["connector.class"] = "FileStreamSource", ["tasks.max"] = "1", ["file"] = SourceFile(dir, i), ["topic"] = Topic(topicPrefix, i),
            });
            Create(http, $"many-sink-{i}", new()
            {
                ["connector.class"] = "FileStreamSink", ["tasks.max"] = sinkTasks.ToString(CultureInfo.InvariantCulture), ["file"] = SinkFile(dir, i),
                ["topics"] = $"{Topic(topicPrefix, i)},{Topic(topicPrefix, (i + 1) % sources)}",
            });
        }

        var created = started.Elapsed.TotalSeconds;
        var wantTasks = sources + sources * sinkTasks;
        var running = WaitUntil(timeout, started, () => RunningTasks(http) == wantTasks, () => $"{RunningTasks(http)} of {wantTasks} tasks RUNNING");
        var delivered = WaitUntil(timeout, started, () => Enumerable.Range(0, sources).All(i => SinkComplete(dir, i, sources, expected)),
            () => $"{Enumerable.Range(0, sources).Count(i => SinkComplete(dir, i, sources, expected))} of {sources} sink files complete");
        var check = Enumerable.Range(0, sources).All(i => SinkExact(dir, i, sources, expected)) ? "ok" : "sink files differ from their sources";

        var peakAfterStart = Status(pid, "VmHWM");
        // Idle: every line delivered, nothing flows; let start-up's stragglers (group joins, first commits) settle.
        Thread.Sleep(TimeSpan.FromSeconds(5));
        var cpu0 = CpuSeconds(pid);
        var threads0 = ThreadTicks(pid);
        var wall = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(idleSeconds));
        var idleCore = (CpuSeconds(pid) - cpu0) / wall.Elapsed.TotalSeconds;
        var idleByThread = IdleByThreadName(threads0, ThreadTicks(pid), wall.Elapsed.TotalSeconds);

        var latencies = new List<double>(requests);
        for (var r = 0; r < requests; r++)
        {
            var path = r % 2 == 0 ? $"/connectors/many-{(r / 2 % 2 == 0 ? "src" : "sink")}-{r / 4 % sources}/status" : "/connectors";
            var t = Stopwatch.StartNew();
            using var response = http.GetAsync(path).GetAwaiter().GetResult();
            response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            latencies.Add(t.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
            }
        }

        latencies.Sort();
        double Pct(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p / 100 * latencies.Count) - 1)];
        var s = ProcessStats.F;
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT connectors={sources * 2} tasks={wantTasks} created_s={s(created)} running_s={s(running)} delivered_s={s(delivered)} check={(check == "ok" ? "ok" : "differs")} ") +
            FormattableString.Invariant(
            $"rss_kb={Status(pid, "VmRSS")} hwm_kb={Status(pid, "VmHWM")} start_hwm_kb={peakAfterStart} threads={Status(pid, "Threads")} ") +
            FormattableString.Invariant(
            $"idle_cpu_pct={idleCore * 100:0.0} rest_p50_ms={Pct(50):0.0} rest_p99_ms={Pct(99):0.0} rest_max_ms={latencies[^1]:0.0}"));
        // Where the idle CPU went, by thread name (digits folded, as run.sh's diagnostics do): one line for many.md.
        Console.WriteLine("IDLE_THREADS " + idleByThread);
        if (check != "ok")
        {
            Console.Error.WriteLine($"acbench: {check}");
        }

        return check == "ok" ? 0 : 1;
    }

    private static string Topic(string prefix, int i) => $"{prefix}-{i}";

    private static string SourceFile(string dir, int i) => Path.Combine(dir, $"in-{i}.txt");

    private static string SinkFile(string dir, int i) => Path.Combine(dir, $"out-{i}.txt");

    private static void EnsureTopics(string bootstrap, bool legacy, List<string> topics, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(Broker.Configure(new AdminClientConfig(), bootstrap, legacy)).Build();
        var deadline = Stopwatch.StartNew();
        foreach (var topic in topics)
        {
            while (true)
            {
                var meta = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault();
                if (meta is { Error.IsError: false } && meta.Partitions.Count > 0 && meta.Partitions.All(p => p.Leader >= 0))
                {
                    break;
                }

                if (deadline.Elapsed > timeout)
                {
                    throw new TimeoutException($"topic {topic} did not appear");
                }

                Thread.Sleep(PollInterval);
            }
        }
    }

    private static void Create(HttpClient http, string name, Dictionary<string, string> config)
    {
        config["name"] = name;
        using var response = http.PostAsJsonAsync("/connectors", new { name, config }).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /connectors {name}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }

    private static int RunningTasks(HttpClient http)
    {
        var body = JsonNode.Parse(http.GetStringAsync("/connectors?expand=status").GetAwaiter().GetResult())!.AsObject();
        return body.Sum(c => c.Value!["status"]!["tasks"]!.AsArray().Count(t => (string?)t!["state"] == "RUNNING"));
    }

    private static double WaitUntil(TimeSpan timeout, Stopwatch started, Func<bool> done, Func<string> progress)
    {
        while (!done())
        {
            if (started.Elapsed > timeout)
            {
                throw new TimeoutException($"after {timeout.TotalSeconds} s: {progress()}");
            }

            Thread.Sleep(PollInterval);
        }

        return started.Elapsed.TotalSeconds;
    }

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path, Encoding.UTF8) : [];

    private static bool SinkComplete(string dir, int i, int sources, List<string>[] expected) =>
        Lines(SinkFile(dir, i)).Length >= expected[i].Count + expected[(i + 1) % sources].Count;

    /// <summary>Each line of the sink's two sources exactly once (order across partitions is free).</summary>
    private static bool SinkExact(string dir, int i, int sources, List<string>[] expected)
    {
        var got = Lines(SinkFile(dir, i)).Order(StringComparer.Ordinal);
        var want = expected[i].Concat(expected[(i + 1) % sources]).Order(StringComparer.Ordinal);
        return got.SequenceEqual(want);
    }

    internal static long Status(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Each thread's name and CPU ticks so far, by thread id.</summary>
    /// <summary>
    /// Each thread's name and time on a CPU in nanoseconds: from <c>schedstat</c> (the scheduler's exact runtime) where
    /// the kernel has it. A thread's utime and stime in <c>stat</c> are sampled at the clock tick, which misses threads
    /// that wake only briefly: summed over an idle worker's threads they came to half of the process's own figure
    /// (bench/results/perf-notes.md, "Issue 19, a scheduler that sleeps").
    /// </summary>
    private static Dictionary<int, (string Name, long Nanos)> ThreadTicks(int pid)
    {
        var result = new Dictionary<int, (string, long)>();
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                var name = stat[(open + 1)..close].TrimEnd("0123456789".ToCharArray()) + "#";
                var schedstat = Path.Combine(dir, "schedstat");
                var nanos = File.Exists(schedstat)
                    ? long.Parse(File.ReadAllText(schedstat).Split(' ')[0], CultureInfo.InvariantCulture)
                    : (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * (1_000_000_000L / ClockTicks);
                result[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (name, nanos);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return result;
    }

    private static string IdleByThreadName(Dictionary<int, (string Name, long Nanos)> before, Dictionary<int, (string Name, long Nanos)> after, double seconds) =>
        string.Join("; ", after
            .Select(t => (t.Value.Name, Nanos: t.Value.Nanos - (before.TryGetValue(t.Key, out var b) ? b.Nanos : 0)))
            .GroupBy(t => t.Name)
            .Select(g => (Name: g.Key, Count: g.Count(), Pct: 100.0 * g.Sum(t => t.Nanos) / 1e9 / seconds))
            .Where(g => g.Pct >= 0.05)
            .OrderByDescending(g => g.Pct)
            .Select(g => FormattableString.Invariant($"{g.Name} ({g.Count}) {g.Pct:0.0}%")));

    internal static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / (double)ClockTicks;
    }

    // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK); run.sh reads it the same way.
    private const int ClockTicks = 100;
}
