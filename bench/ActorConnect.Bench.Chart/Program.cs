using System.Globalization;
using ScottPlot;

// acbench-chart <throughput.csv> <chart.png>
//   The CSV is bench/run.sh's (case,system,direction,lines,seconds,lines_per_s,peak_rss_mb,worker_cpu_s,...; columns
//   found by name). One group of bars per case (lines per second, peak RSS, worker CPU seconds), one colour per system,
//   so each ActorConnect bar stands beside Kafka Connect's and the raw client's for the same input. For the growing-file
//   case the CPU bar is grow_cpu_s (while the file grew): its rate is the generator's, its CPU is the comparison.
// acbench-chart --suite <suite.csv> <suite.png>
//   The CSV is bench/suite.sh's merge (part,case,system,metric,value,unit,run_date). One panel per part and unit, bars
//   grouped by case (or by metric, when the panel has one case), one colour per system (the same colour everywhere).
//   Elapsed seconds (the rates show them) and counts are left out.
var suite = args.Length == 3 && args[0] == "--suite";
if (!suite && args.Length != 2)
{
    Console.Error.WriteLine("usage: acbench-chart <throughput.csv> <chart.png> | acbench-chart --suite <suite.csv> <suite.png>");
    return 2;
}

var input = suite ? args[1] : args[0];
var output = suite ? args[2] : args[1];
var table = Csv.Read(input);
var panels = suite ? SuitePanels(table) : ThroughputPanels(table);
if (panels.Count == 0)
{
    Console.Error.WriteLine($"acbench-chart: nothing to draw in {input}");
    return 1;
}

var systems = panels.SelectMany(p => p.Bars).Select(b => b.System).Distinct().ToList();
var palette = new ScottPlot.Palettes.Category10();
var multiplot = new Multiplot();
multiplot.AddPlots(panels.Count);
var columns = Math.Min(panels.Count, 3);
var rows = (panels.Count + columns - 1) / columns;
if (suite)
{
    var grid = new ScottPlot.MultiplotLayouts.CustomGrid();
    for (var i = 0; i < panels.Count; i++)
    {
        grid.Set(multiplot.GetPlot(i), new GridCell(i / columns, i % columns, rows, columns));
    }

    multiplot.Layout = grid;
}
else
{
    multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
}

for (var i = 0; i < panels.Count; i++)
{
    Draw(multiplot.GetPlot(i), panels[i]);
}

multiplot.SavePng(output, suite ? 1800 : 1800, suite ? 480 * rows : 560);
Console.WriteLine($"acbench-chart: {panels.Count} panels, {systems.Count} systems -> {output}");
return 0;

// bench/run.sh's CSV: the three figures of every row, the cases on the x axis.
static List<Panel> ThroughputPanels(List<Dictionary<string, string>> table)
{
    double? Grow(Dictionary<string, string> r) => Csv.Number(r, "grow_cpu_s");
    // The latency rows' rate is the generator's: they have their own panel, not a bar among the throughputs.
    var rows = table.Where(r => Csv.Number(r, "lines_per_s") is not null && Csv.Number(r, "p99_ms") is null).ToList();
    var latency = table.Where(r => Csv.Number(r, "p99_ms") is not null).ToList();
    var panels = new List<Panel>
    {
        new("Lines per second (higher is better)", "thousand lines/s", rows.Select(r => new BarValue(r["case"], r["system"], Csv.Number(r, "lines_per_s") / 1000)).ToList()),
        new("Peak RSS (lower is better)", "MB", rows.Select(r => new BarValue(r["case"], r["system"], Csv.Number(r, "peak_rss_mb"))).ToList()),
        new("Worker CPU (lower is better; growing file: while it grew)", "CPU seconds", rows.Select(r => new BarValue(r["case"], r["system"], Grow(r) ?? Csv.Number(r, "worker_cpu_s"))).ToList()),
    };
    if (latency.Count > 0)
    {
        panels.Add(new("File → topic → file latency (lower is better)", "ms",
            latency.SelectMany(r => new[] { new BarValue("p50", r["system"], Csv.Number(r, "p50_ms")), new BarValue("p99", r["system"], Csv.Number(r, "p99_ms")) }).ToList()));
    }

    return panels;
}

// The suite's CSV: a panel per (part, unit), in the order the merge wrote them.
static List<Panel> SuitePanels(List<Dictionary<string, string>> table)
{
    var better = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["lines/s"] = "higher is better", ["rows/s"] = "higher is better", ["records/s"] = "higher is better",
        ["MB"] = "lower is better", ["CPU s"] = "lower is better", ["s"] = "lower is better", ["ns"] = "lower is better", ["B"] = "lower is better",
        ["ms"] = "lower is better", ["% of a core"] = "lower is better",
    };
    var rows = table.Where(r => r["unit"] != "count" && r["metric"] != "seconds" && Csv.Number(r, "value") is not null).ToList();
    var panels = new List<Panel>();
    foreach (var group in rows.GroupBy(r => (Part: r["part"], Unit: r["unit"])))
    {
        var cases = group.Select(r => r["case"]).Distinct().Count();
        var metrics = group.Select(r => r["metric"]).Distinct().Count();
        var scale = group.Max(r => Csv.Number(r, "value")!.Value) >= 1e6 ? 1e6 : group.Max(r => Csv.Number(r, "value")!.Value) >= 1e4 ? 1e3 : 1;
        var unit = (scale == 1e6 ? "million " : scale == 1e3 ? "thousand " : "") + group.Key.Unit;
        // The panel's title names the part: a case name loses its "part: " prefix; metric names lose their underscores.
        string Case(Dictionary<string, string> r) => r["case"].StartsWith(group.Key.Part + ": ", StringComparison.Ordinal) ? r["case"][(group.Key.Part.Length + 2)..] : r["case"];
        string Label(Dictionary<string, string> r) =>
            Wrap(metrics == 1 ? Case(r) : cases == 1 ? r["metric"].Replace('_', ' ') : $"{Case(r)} {r["metric"].Replace('_', ' ')}", cases * metrics > 4 ? 10 : cases * metrics > 3 ? 14 : 26);
        var title = $"{group.Key.Part}: {group.Key.Unit}{(better.TryGetValue(group.Key.Unit, out var b) ? $" ({b})" : "")}";
        panels.Add(new Panel(title, unit, group.Select(r => new BarValue(Label(r), r["system"], Csv.Number(r, "value") / scale)).ToList()));
    }

    return panels;
}

// Long tick labels on several lines, broken between words.
static string Wrap(string text, int width)
{
    var lines = new List<string>();
    var line = "";
    foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
    {
        if (line.Length > 0 && line.Length + 1 + word.Length > width)
        {
            lines.Add(line);
            line = word;
        }
        else
        {
            line = line.Length == 0 ? word : $"{line} {word}";
        }
    }

    lines.Add(line);
    return string.Join("\n", lines);
}

void Draw(Plot plot, Panel panel)
{
    var groups = panel.Bars.Select(b => b.Group).Distinct().ToList();
    var here = panel.Bars.Select(b => b.System).Distinct().ToList();
    var width = 0.8 / here.Count;
    for (var s = 0; s < here.Count; s++)
    {
        var bars = new List<Bar>();
        for (var g = 0; g < groups.Count; g++)
        {
            var bar = panel.Bars.FirstOrDefault(b => b.Group == groups[g] && b.System == here[s]);
            if (bar?.Value is not { } v || double.IsNaN(v))
            {
                continue;
            }

            bars.Add(new Bar
            {
                Position = g + ((s - ((here.Count - 1) / 2.0)) * width),
                Value = v,
                Size = width * 0.95,
                FillColor = palette.GetColor(systems.IndexOf(here[s])),
                Label = v.ToString(v >= 100 ? "N0" : v >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture),
            });
        }

        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = here[s];
        plottable.ValueLabelStyle.FontSize = 11;
    }

    plot.Title(panel.Title, size: 13);
    plot.YLabel(panel.Unit);
    plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.ToArray());
    plot.Axes.Margins(bottom: 0);
    plot.ShowLegend(Edge.Bottom);
}

internal sealed record BarValue(string Group, string System, double? Value);

internal sealed record Panel(string Title, string Unit, List<BarValue> Bars);

/// <summary>The results CSVs: a header, then plain comma-separated cells (the bench scripts never write a comma inside one).</summary>
internal static class Csv
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0)
        {
            return [];
        }

        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(','))
            .Select(cells => header.Select((h, i) => (h, c: i < cells.Length ? cells[i] : "")).ToDictionary(x => x.h, x => x.c, StringComparer.Ordinal)).ToList();
    }

    public static double? Number(Dictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
