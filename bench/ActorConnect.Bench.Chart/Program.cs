using System.Globalization;
using ScottPlot;

// acbench-chart <results.csv> <chart.png>
// The CSV is bench/run.sh's: case,system,direction,lines,seconds,lines_per_s,peak_rss_mb,worker_cpu_s. One group of
// bars per case (lines per second on the left, peak RSS on the right), one colour per system, so each ActorConnect bar
// stands beside Kafka Connect's and the raw client's for the same input.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: acbench-chart <results.csv> <chart.png>");
    return 2;
}

var rows = File.ReadAllLines(args[0]).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).Select(f => new Row(
    f[0],
    f[1],
    double.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : double.NaN,
    double.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : double.NaN)).Where(r => !double.IsNaN(r.Rate)).ToList();
var cases = rows.Select(r => r.Case).Distinct().ToList();
var systems = rows.Select(r => r.System).Distinct().ToList();
var palette = new ScottPlot.Palettes.Category10();

var multiplot = new Multiplot();
multiplot.AddPlots(2);
Draw(multiplot.GetPlot(0), "Lines per second (higher is better)", r => r.Rate / 1000, "thousand lines/s");
Draw(multiplot.GetPlot(1), "Peak RSS (lower is better)", r => r.Rss, "MB");
multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
multiplot.SavePng(args[1], 1400, 560);
Console.WriteLine($"acbench-chart: {rows.Count} rows, {cases.Count} cases -> {args[1]}");
return 0;

void Draw(Plot plot, string title, Func<Row, double> value, string unit)
{
    var width = 0.8 / systems.Count;
    for (var s = 0; s < systems.Count; s++)
    {
        var bars = new List<Bar>();
        for (var c = 0; c < cases.Count; c++)
        {
            var row = rows.FirstOrDefault(r => r.Case == cases[c] && r.System == systems[s]);
            if (row is null || double.IsNaN(value(row)))
            {
                continue;
            }

            var v = value(row);
            bars.Add(new Bar { Position = c + (s - (systems.Count - 1) / 2.0) * width, Value = v, Size = width * 0.95, FillColor = palette.GetColor(s), Label = v.ToString("N0", CultureInfo.InvariantCulture) });
        }

        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = systems[s];
        plottable.ValueLabelStyle.FontSize = 11;
    }

    plot.Title(title);
    plot.YLabel(unit);
    plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, cases.Count).Select(i => (double)i).ToArray(), cases.ToArray());
    plot.Axes.Margins(bottom: 0);
    plot.ShowLegend(Edge.Bottom);
}

internal sealed record Row(string Case, string System, double Rate, double Rss);
