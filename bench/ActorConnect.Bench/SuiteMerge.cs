using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorConnect.Bench;

/// <summary>
/// bench/suite.sh's last step: every part's results, as the parts left them in bench/results, in one long CSV
/// (suite.csv: part,case,system,metric,value,unit,run_date; one row per figure) and one Markdown summary (suite.md)
/// with ActorConnect's ratios to Kafka Connect 0.9 and to the raw client of the same case. Reads only files:
///   throughput.csv (bench/run.sh; its run date from its run_date column, else latest.md),
///   failover.csv (bench/failover.sh; the latest run in it; restarts and duplicates from failover.md when it reports that run),
///   transforms.csv (bench/transforms.sh, BenchmarkDotNet's CSV), else the table of transforms.md,
///   jdbc.csv (bench/jdbc.sh; the latest run in it),
///   many.csv (bench/run.sh's case many; the latest run in it).
/// A part without results is listed as missing; the others are merged. Fields never hold a comma (they are replaced),
/// so the CSV splits on commas as the parts' own CSVs do.
/// </summary>
internal static class SuiteMerge
{
    public const string KafkaConnect = "Kafka Connect 0.9";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    internal sealed record Metric(string Part, string Case, string System, string Name, double Value, string Unit, string RunDate);

    private sealed record Part(string Name, string Script, string? RunDate, string From, string? Missing);

    public static int Run(string dir, IReadOnlyDictionary<string, string> options)
    {
        var metrics = new List<Metric>();
        var parts = new List<Part>
        {
            Throughput(dir, metrics),
            Failover(dir, metrics),
            Transforms(dir, metrics),
            Jdbc(dir, metrics),
            Many(dir, metrics),
        };

        var csvPath = options.GetValueOrDefault("--csv") ?? Path.Combine(dir, "suite.csv");
        var mdPath = options.GetValueOrDefault("--md") ?? Path.Combine(dir, "suite.md");
        var csv = new StringBuilder("part,case,system,metric,value,unit,run_date\n");
        foreach (var m in metrics)
        {
            csv.AppendJoin(',', new[] { m.Part, m.Case, m.System, m.Name, m.Value.ToString("0.###", Inv), m.Unit, m.RunDate }.Select(Clean)).Append('\n');
        }

        File.WriteAllText(csvPath, csv.ToString());
        File.WriteAllText(mdPath, Markdown(metrics, parts, options.GetValueOrDefault("--chart") ?? "suite.png"));
        foreach (var p in parts.Where(p => p.Missing is not null))
        {
            Console.Error.WriteLine($"acbench: suite-merge: {p.Name}: {p.Missing}");
        }

        Console.Error.WriteLine($"acbench: suite-merge: {metrics.Count} figures from {parts.Count(p => p.Missing is null)} of {parts.Count} parts -> {csvPath}, {mdPath}");
        return parts.All(p => p.Missing is not null) ? 1 : 0;
    }

    // ------------------------------------------------------------------ bench/run.sh
    private static Part Throughput(string dir, List<Metric> metrics)
    {
        const string part = "file ↔ Kafka";
        var path = Path.Combine(dir, "throughput.csv");
        if (!File.Exists(path))
        {
            return new Part(part, "bench/run.sh", null, "throughput.csv", "no throughput.csv");
        }

        var rows = ReadCsv(path);
        var reportDate = DateLine(Path.Combine(dir, "latest.md"), "- Date: ");
        string? runDate = null;
        var units = new (string Column, string Unit)[]
        {
            ("lines_per_s", "lines/s"), ("seconds", "s"), ("peak_rss_mb", "MB"), ("worker_cpu_s", "CPU s"),
            ("steady_lines_per_s", "lines/s"), ("grow_cpu_s", "CPU s"), ("lag_s", "s"), ("max_lag_s", "s"), ("p50_ms", "ms"), ("p99_ms", "ms"),
        };
        foreach (var row in rows)
        {
            runDate = Value(row, "run_date") is { Length: > 0 } d ? d : reportDate ?? Mtime(path);
            foreach (var (column, unit) in units)
            {
                if (Number(row, column) is { } v)
                {
                    metrics.Add(new Metric(part, row["case"], row["system"], column, v, unit, runDate));
                }
            }
        }

        return new Part(part, "bench/run.sh", runDate, "throughput.csv" + (rows.Count > 0 && !rows[0].ContainsKey("run_date") ? " (run date from latest.md)" : ""),
            rows.Count == 0 ? "throughput.csv has no rows" : null);
    }

    // ------------------------------------------------------------------ bench/failover.sh
    private static Part Failover(string dir, List<Metric> metrics)
    {
        const string part = "distributed";
        if (LatestRun(dir, "failover.csv", part, "bench/failover.sh", out var all, out var run, out var rows) is { } missing)
        {
            return missing;
        }

        var report = Path.Combine(dir, "failover.md");
        var reportIsRun = File.Exists(report) && File.ReadAllText(report).Contains($"(run {run},", StringComparison.Ordinal);
        var runDate = (reportIsRun ? DateLine(report, "- Date: ") : null) ?? FromRunId(run) ?? Mtime(Path.Combine(dir, "failover.csv"));

        var rounds = rows.Where(r => r["kind"] == "failover").ToList();
        if (rounds.Count > 0)
        {
            var @case = $"failover after SIGKILL ({rounds.Count} rounds)";
            List<double> Of(string column) => rounds.Select(r => Number(r, column)).OfType<double>().ToList();
            void Add(string name, double? v)
            {
                if (v is { } x)
                {
                    metrics.Add(new Metric(part, @case, "ActorConnect", name, x, "s", runDate));
                }
            }

            Add("running_s_median", Median(Of("running_s")));
            Add("running_s_worst", Of("running_s") is { Count: > 0 } r ? r.Max() : null);
            Add("flow_s_median", Median(Of("flow_s")));
            Add("unreachable_s_median", Median(Of("unreachable_s")));
            Add("downed_s_median", Median(Of("downed_s")));
            Add("removed_s_median", Median(Of("removed_s")));
        }

        // Churn: A's records per second, as the cluster command computes them (Churn.cs): the steady rate is the median
        // of seconds 1-9 of the 10 s baseline; "during" runs from second 10 to the end of the churn, which is 2 s after
        // the last B was gone (the CSV has whole seconds, so that second is included).
        var seconds = rows.Where(r => r["kind"] == "throughput" && Number(r, "index") is not null)
            .Select(r => (Index: (int)Number(r, "index")!.Value, Rate: Number(r, "records_per_s") ?? 0, Event: Value(r, "event") ?? "")).OrderBy(x => x.Index).ToList();
        const int baselineSeconds = 10;
        var cycles = seconds.Sum(s => Regex.Matches(s.Event, @"(^|; )create ").Count);
        var lastGone = seconds.LastOrDefault(s => s.Event.Contains(" gone", StringComparison.Ordinal)).Index;
        if (seconds.Count > baselineSeconds && cycles > 0)
        {
            var @case = $"churn: A while B is created and deleted ({cycles} cycles)";
            var baseline = seconds.Where(s => s.Index >= 1 && s.Index < baselineSeconds).Select(s => s.Rate).Order().ToList();
            var during = seconds.Where(s => s.Index >= baselineSeconds && s.Index <= lastGone + 2).Select(s => s.Rate).ToList();
            metrics.Add(new Metric(part, @case, "ActorConnect", "a_steady_records_per_s", baseline[baseline.Count / 2], "records/s", runDate));
            metrics.Add(new Metric(part, @case, "ActorConnect", "a_min_records_per_s", during.Min(), "records/s", runDate));
            metrics.Add(new Metric(part, @case, "ActorConnect", "a_mean_records_per_s", Math.Round(during.Average()), "records/s", runDate));
            if (reportIsRun && ChurnRow(report) is { } cells)
            {
                // | steady | min | mean | cycles | restarts before → after | worker before → after | duplicates "n of m" |
                if (Regex.Match(cells[4], @"^(\d+) → (\d+)$") is { Success: true } restarts)
                {
                    metrics.Add(new Metric(part, @case, "ActorConnect", "a_task_restarts", long.Parse(restarts.Groups[2].Value, Inv) - long.Parse(restarts.Groups[1].Value, Inv), "count", runDate));
                }

                if (Regex.Match(cells[6], @"^(\d+) of (\d+)$") is { Success: true } duplicates)
                {
                    metrics.Add(new Metric(part, @case, "ActorConnect", "a_duplicates", long.Parse(duplicates.Groups[1].Value, Inv), "count", runDate));
                    metrics.Add(new Metric(part, @case, "ActorConnect", "a_records", long.Parse(duplicates.Groups[2].Value, Inv), "count", runDate));
                }
            }
        }

        var label = Value(rows[0], "label") ?? "";
        return new Part(part, "bench/failover.sh", runDate,
            $"failover.csv, its latest run ({run}, settings: {label}; {Runs(all)} in the file)" + (reportIsRun ? " and failover.md" : ""),
            rounds.Count == 0 && cycles == 0 ? $"run {run} in failover.csv has neither failover nor churn rows" : null);
    }

    private static string[]? ChurnRow(string report)
    {
        var lines = File.ReadAllLines(report);
        var header = Array.FindIndex(lines, l => l.StartsWith("| Steady records/s", StringComparison.Ordinal));
        if (header < 0 || header + 2 >= lines.Length)
        {
            return null;
        }

        var cells = lines[header + 2].Split('|').Select(c => c.Trim()).Skip(1).ToArray();
        return cells.Length >= 7 ? cells : null;
    }

    // ------------------------------------------------------------------ bench/transforms.sh
    private static Part Transforms(string dir, List<Metric> metrics)
    {
        const string part = "transforms";
        var csvPath = Path.Combine(dir, "transforms.csv");
        var mdPath = Path.Combine(dir, "transforms.md");
        var runDate = DateLine(mdPath, "Run ") ?? (File.Exists(csvPath) ? Mtime(csvPath) : File.Exists(mdPath) ? Mtime(mdPath) : null);
        List<Dictionary<string, string>> rows;
        string from;
        if (File.Exists(csvPath))
        {
            rows = ReadCsv(csvPath);
            from = "transforms.csv (BenchmarkDotNet)";
        }
        else if (File.Exists(mdPath))
        {
            rows = ReadMarkdownTable(mdPath, "| Method");
            from = "transforms.md (no transforms.csv yet)";
        }
        else
        {
            return new Part(part, "bench/transforms.sh", null, "transforms.csv", "neither transforms.csv nor transforms.md");
        }

        foreach (var row in rows)
        {
            var method = (Value(row, "Method") ?? "?").Replace("&#39;", "'", StringComparison.Ordinal).Trim('\'', ' ').Replace(", ", " + ", StringComparison.Ordinal);
            var @case = $"transforms: {method}";
            if (Quantity(row, "Mean", TimeUnits) is { } ns)
            {
                metrics.Add(new Metric(part, @case, "ActorConnect", "ns_per_record", ns, "ns", runDate!));
                metrics.Add(new Metric(part, @case, "ActorConnect", "records_per_s", Math.Round(1e9 / ns), "records/s", runDate!));
            }

            if (Quantity(row, "Allocated", SizeUnits) is { } bytes)
            {
                metrics.Add(new Metric(part, @case, "ActorConnect", "allocated_b_per_record", bytes, "B", runDate!));
            }
        }

        return new Part(part, "bench/transforms.sh", runDate, from, rows.Count == 0 ? $"no rows in {from}" : null);
    }

    private static readonly Dictionary<string, double> TimeUnits = new(StringComparer.Ordinal) { ["ns"] = 1, ["us"] = 1e3, ["μs"] = 1e3, ["ms"] = 1e6, ["s"] = 1e9 };
    private static readonly Dictionary<string, double> SizeUnits = new(StringComparer.Ordinal) { ["B"] = 1, ["KB"] = 1024, ["MB"] = 1024 * 1024 };

    /// <summary>
    /// A BenchmarkDotNet figure in base units (ns, B), from a column named "Mean" with the unit in each cell ("34.74 ns",
    /// the Markdown report) or named "Mean [ns]" with bare numbers (the CSV bench/transforms.sh asks for).
    /// </summary>
    private static double? Quantity(Dictionary<string, string> row, string column, Dictionary<string, double> units)
    {
        foreach (var (key, cell) in row)
        {
            var m = Regex.Match(key, $@"^{Regex.Escape(column)}(?: \[(.+)\])?$");
            if (!m.Success)
            {
                continue;
            }

            var c = Regex.Match(cell.Replace(",", "", StringComparison.Ordinal).Trim(), @"^(-?[0-9.]+)\s*(\S*)$");
            var unit = c.Success && c.Groups[2].Value.Length > 0 ? c.Groups[2].Value : m.Groups[1].Value;
            if (c.Success && double.TryParse(c.Groups[1].Value, NumberStyles.Float, Inv, out var v) && units.TryGetValue(unit, out var factor))
            {
                return v * factor;
            }
        }

        return null;
    }

    // ------------------------------------------------------------------ bench/jdbc.sh
    private static Part Jdbc(string dir, List<Metric> metrics)
    {
        const string part = "JDBC";
        if (LatestRun(dir, "jdbc.csv", part, "bench/jdbc.sh", out var all, out var run, out var latest) is { } missing)
        {
            return missing;
        }

        var runDate = FromRunId(run) ?? Mtime(Path.Combine(dir, "jdbc.csv"));
        foreach (var row in latest)
        {
            var rows = Value(row, "rows") ?? "?";
            var (@case, system) = row["path"] switch
            {
                "raw-read" => ($"JDBC: PostgreSQL → Kafka ({rows} rows)", "Npgsql (raw)"),
                "ac-source" => ($"JDBC: PostgreSQL → Kafka ({rows} rows)", "ActorConnect"),
                "raw-produce-source-output" => ($"JDBC: PostgreSQL → Kafka ({rows} rows)", "Confluent.Kafka (raw producer alone, the source's own records: its floor)"),
                "raw-copy" => ($"JDBC: Kafka → PostgreSQL ({rows} rows)", "Npgsql (raw)"),
                "raw-upsert" => ($"JDBC: Kafka → PostgreSQL ({rows} rows)", "Npgsql upsert the sink's way (its floor)"),
                "ac-sink" => ($"JDBC: Kafka → PostgreSQL ({rows} rows)", "ActorConnect"),
                var other => ($"JDBC: {other} ({rows} rows)", "?"),
            };
            foreach (var (column, unit) in new[] { ("rows_per_s", "rows/s"), ("seconds", "s"), ("peak_rss_mb", "MB") })
            {
                if (Number(row, column) is { } v)
                {
                    metrics.Add(new Metric(part, @case, system, column, v, unit, runDate));
                }
            }
        }

        return new Part(part, "bench/jdbc.sh", runDate, $"jdbc.csv, its latest run ({run}; {Runs(all)} in the file)", null);
    }

    /// <summary>
    /// The rows of the latest run of a CSV that a part appends run after run (column <c>run</c>), with all its rows;
    /// or, when the file is missing or empty, the <see cref="Part"/> that says so.
    /// </summary>
    private static Part? LatestRun(string dir, string file, string part, string script,
        out List<Dictionary<string, string>> all, out string run, out List<Dictionary<string, string>> latest)
    {
        var path = Path.Combine(dir, file);
        all = File.Exists(path) ? ReadCsv(path) : [];
        run = all.Count > 0 ? all[^1]["run"] : "";
        var last = run;
        latest = all.Where(r => r["run"] == last).ToList();
        return !File.Exists(path) ? new Part(part, script, null, file, $"no {file}")
            : all.Count == 0 ? new Part(part, script, null, file, $"{file} has no rows")
            : null;
    }

    // ------------------------------------------------------------------ bench/run.sh, case many
    private static Part Many(string dir, List<Metric> metrics)
    {
        const string part = "many tasks";
        if (LatestRun(dir, "many.csv", part, "bench/run.sh (case many)", out var all, out var run, out var latest) is { } missing)
        {
            return missing;
        }

        var runDate = latest.Select(r => Value(r, "run_date")).LastOrDefault(d => !string.IsNullOrEmpty(d)) ?? FromRunId(run) ?? Mtime(Path.Combine(dir, "many.csv"));
        var units = new (string Column, string Unit)[]
        {
            ("running_s", "s"), ("rss_mb", "MB"), ("peak_rss_mb", "MB"), ("threads", "count"), ("idle_cpu_pct", "% of a core"),
            ("rest_p50_ms", "ms"), ("rest_p99_ms", "ms"),
        };
        foreach (var row in latest)
        {
            foreach (var (column, unit) in units)
            {
                if (Number(row, column) is { } v)
                {
                    metrics.Add(new Metric(part, $"many tasks: {row["case"]}", row["system"], column, v, unit, runDate));
                }
            }
        }

        return new Part(part, "bench/run.sh (case many)", runDate, $"many.csv, its latest run ({run}; {Runs(all)} in the file)",
            latest.Any(r => r["check"] != "ok") ? $"run {run} in many.csv did not check out ({latest[^1]["check"]})" : null);
    }

    // ------------------------------------------------------------------ the summary
    private static string Markdown(List<Metric> metrics, List<Part> parts, string chart)
    {
        var md = new StringBuilder();
        md.Append("# ActorConnect benchmark suite\n\n");
        md.Append($"Merged {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `bash bench/suite.sh` from each part's results in `bench/results/` ");
        md.Append("(the parts' own reports, `latest.md`, `failover.md`, `transforms.md`, `jdbc.md` and `many.md`, say how each was measured).\n");
        md.Append($"Machine that merged them: {Machine()}; the parts ran on the machine their reports name.\n\n");
        md.Append("| Part | Script | Run (UTC) | Merged from |\n|---|---|---|---|\n");
        foreach (var p in parts)
        {
            md.Append($"| {p.Name} | `{p.Script}` | {(p.RunDate is null ? "-" : p.RunDate.Replace('T', ' ').TrimEnd('Z'))} | {(p.Missing is null ? p.From : $"**missing**: {p.Missing}")} |\n");
        }

        // One table per part (and per set of metrics within a part: the growing-file case, failover and churn measure
        // different things): a row per case and system, a column per metric; ActorConnect's cells also carry its ratio
        // to Kafka Connect 0.9 ("KC") and to the raw client ("raw") in the same case and metric.
        foreach (var group in metrics.GroupBy(m => m.Part))
        {
            md.Append($"\n### {group.Key}\n");
            var cases = group.GroupBy(m => m.Case).GroupBy(c => string.Join(",", c.Select(m => m.Name).Distinct()));
            foreach (var table in cases)
            {
                var rows = table.SelectMany(c => c).ToList();
                var names = rows.Select(m => (m.Name, m.Unit)).Distinct().ToList();
                md.Append($"\n| Case | System | {string.Join(" | ", names.Select(n => n.Unit is "count" ? n.Name : $"{n.Name} ({n.Unit})"))} |\n");
                md.Append($"|---|---|{string.Concat(names.Select(_ => "---:|"))}\n");
                foreach (var row in rows.GroupBy(m => (m.Case, m.System)))
                {
                    var cells = names.Select(n => row.FirstOrDefault(m => m.Name == n.Name) is { } m ? Format(m.Value) + Ratios(m, group) : "");
                    var system = row.Key.System == "ActorConnect" ? "**ActorConnect**" : row.Key.System;
                    md.Append($"| {row.Key.Case} | {system} | {string.Join(" | ", cells)} |\n");
                }
            }
        }

        md.Append('\n');
        md.Append("- (1.26× KC, 0.57× raw): ActorConnect's figure divided by Kafka Connect 0.9's (KC), or by the raw client's (Confluent.Kafka, Npgsql), ");
        md.Append("in the same case and metric. Rates (lines/s, rows/s, records/s): higher is better; seconds, MB, CPU s: lower is better.\n");
        if (metrics.Any(m => m.Case.StartsWith("growing file", StringComparison.Ordinal)))
        {
            var grow = metrics.First(m => m.Case.StartsWith("growing file", StringComparison.Ordinal)).Case;
            md.Append($"- **{grow}**: the source file grows at that steady rate while the worker runs (for how long: `latest.md`; Kafka Connect 0.9's file source cannot finish a ");
            md.Append("large existing file, but it tails one). The generator sets the rate, so lines_per_s only says whether a worker kept up; ");
            md.Append("compare lag_s (last line appended → the topic holds every line), max_lag_s and grow_cpu_s (the worker's CPU from the first scheduled line to the last one in the topic).\n");
        }

        if (metrics.Any(m => m.Part == "file ↔ Kafka" && m.System == KafkaConnect))
        {
            md.Append("- file → Kafka on an existing file: Kafka Connect 0.9's FileStreamSource is quadratic on a large existing file (it never finishes 1M lines), ");
            md.Append("so its row uses the smaller existing file, beside ActorConnect's row on that same file.\n");
        }

        if (metrics.Any(m => m.Part == "distributed"))
        {
            md.Append("- distributed: no Kafka Connect row was measured; its tasks of a lost worker stay UNASSIGNED for `scheduled.rebalance.max.delay.ms` (300 s by default).\n");
        }

        if (metrics.Any(m => m.Part == "transforms"))
        {
            md.Append("- transforms: a source task's per-record work (the chain, then JsonConverter) on one core, BenchmarkDotNet; records_per_s is 10⁹ / ns_per_record.\n");
        }

        md.Append($"\nAll figures: `bench/results/suite.csv`; chart: `bench/results/{chart}`.\n\n![the suite's figures]({chart})\n");
        return md.ToString();
    }

    private static string Ratios(Metric m, IEnumerable<Metric> part)
    {
        if (m.System != "ActorConnect")
        {
            return "";
        }

        string? Ratio(string label, Func<Metric, bool> peer) =>
            part.FirstOrDefault(o => o.Case == m.Case && o.Name == m.Name && peer(o)) is { Value: not 0 } other
                ? $"{(m.Value / other.Value).ToString("0.00", Inv)}× {label}"
                : null;

        var ratios = new[] { Ratio("KC", o => o.System == KafkaConnect), Ratio("raw", o => o.System.EndsWith("(raw)", StringComparison.Ordinal)) }.OfType<string>().ToList();
        return ratios.Count == 0 ? "" : $" ({string.Join(", ", ratios)})";
    }

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        var memKb = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] : null;
        var mem = memKb is null ? "" : $", {double.Parse(memKb, Inv) / 1024 / 1024:0.#} GiB memory";
        return $"{Environment.ProcessorCount} cores{(model is null ? "" : $" ({model})")}{mem}";
    }

    private static string Format(double v) =>
        Math.Abs(v) >= 1000 ? v.ToString("N0", Inv) : Math.Abs(v) >= 100 || v == Math.Floor(v) ? v.ToString("0.#", Inv) : v.ToString("0.###", Inv);

    // ------------------------------------------------------------------ reading
    /// <summary>A CSV with a header: each row as column -> cell (quoted cells as BenchmarkDotNet writes them).</summary>
    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0)
        {
            return [];
        }

        var header = SplitCsv(lines[0]);
        return lines.Skip(1).Select(SplitCsv).Select(cells => header.Select((h, i) => (h, c: i < cells.Count ? cells[i] : ""))
            .GroupBy(x => x.h).ToDictionary(g => g.Key, g => g.First().c, StringComparer.Ordinal)).ToList();
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    /// <summary>The first Markdown table whose header line starts with the prefix, as column -> cell.</summary>
    private static List<Dictionary<string, string>> ReadMarkdownTable(string path, string headerPrefix)
    {
        var lines = File.ReadAllLines(path);
        var start = Array.FindIndex(lines, l => l.StartsWith(headerPrefix, StringComparison.Ordinal));
        if (start < 0)
        {
            return [];
        }

        static string[] Cells(string l) => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        var header = Cells(lines[start]);
        return lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells)
            .Select(cells => header.Select((h, i) => (h, c: i < cells.Length ? cells[i] : "")).ToDictionary(x => x.h, x => x.c, StringComparer.Ordinal)).ToList();
    }

    private static string Runs(List<Dictionary<string, string>> rows) =>
        rows.Select(r => r["run"]).Distinct().Count() is var n && n == 1 ? "1 run" : $"{n} runs";

    private static string? Value(Dictionary<string, string> row, string column) => row.TryGetValue(column, out var v) ? v : null;

    private static double? Number(Dictionary<string, string> row, string column) =>
        Value(row, column) is { Length: > 0 } s && double.TryParse(s, NumberStyles.Float, Inv, out var v) ? v : null;

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2;
    }

    /// <summary>The date on a report's line starting with the prefix ("- Date: 2026-11-25 11:13:03 UTC", "Run 2026-11-25 11:34 UTC"), as ISO 8601 UTC.</summary>
    private static string? DateLine(string path, string prefix)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var m = Regex.Match(line, $@"^{Regex.Escape(prefix)}(\d{{4}}-\d\d-\d\d \d\d:\d\d(?::\d\d)?) UTC");
            if (m.Success)
            {
                var d = DateTime.ParseExact(m.Groups[1].Value, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"], Inv, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                return Iso(d);
            }
        }

        return null;
    }

    /// <summary>A run id made by `date +%Y%m%d-%H%M%S` or `+%Y%m%d%H%M%S` on this machine (local time), as ISO 8601 UTC.</summary>
    private static string? FromRunId(string run) =>
        DateTime.TryParseExact(run, ["yyyyMMdd-HHmmss", "yyyyMMddHHmmss"], Inv, DateTimeStyles.AssumeLocal, out var d) ? Iso(d.ToUniversalTime()) : null;

    private static string Mtime(string path) => Iso(File.GetLastWriteTimeUtc(path));

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Inv);

    private static string Clean(string field) => field.Replace(',', ';').Replace('\n', ' ');
}
