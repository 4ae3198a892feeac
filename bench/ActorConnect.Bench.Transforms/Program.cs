using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using Perfolizer.Metrology;

// The CSV report (bench/transforms.sh copies it to bench/results/transforms.csv for bench/suite.sh's merge) in fixed
// units, stated in the header ("Mean [ns]", "Allocated [B]"), with invariant numbers: whatever the machine's culture
// and whatever unit BenchmarkDotNet would pick, the merge reads the same columns. It takes the place of the default CSV
// exporter (same type).
var csv = new CsvExporter(CsvSeparator.Comma, new SummaryStyle(CultureInfo.InvariantCulture, printUnitsInHeader: true, SizeUnit.B, TimeUnit.Nanosecond, printUnitsInContent: false));
BenchmarkSwitcher.FromAssembly(typeof(ActorConnect.Bench.Transforms.TransformChainBenchmark).Assembly).Run(args, DefaultConfig.Instance.AddExporter(csv));
