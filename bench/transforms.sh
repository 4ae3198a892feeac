#!/usr/bin/env bash
# Records per second through a source task's record path (transform chain + JsonConverter) with no transform and with
# a chain of three (HoistField, InsertField, ReplaceField): bench/ActorConnect.Bench.Transforms, BenchmarkDotNet.
# On demand, never a test. Writes bench/results/transforms.md (the table, the machine and the load) and
# bench/results/transforms.csv (BenchmarkDotNet's CSV report: Mean [ns], Allocated [B], ...; bench/suite.sh merges it).
#   bench/transforms.sh [--job short|medium|long]   (default: BenchmarkDotNet's default job)
# BENCH_RESULTS_DIR (bench/results) writes the two files elsewhere (to try the script without replacing the results).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO/bench/ActorConnect.Bench.Transforms"
RESULTS="${BENCH_RESULTS_DIR:-$REPO/bench/results}"
OUT="$RESULTS/transforms.md"
ARTIFACTS="$REPO/bench/.work/transforms"

mkdir -p "$RESULTS"
dotnet build "$PROJECT" -c Release -nologo -v q >/dev/null
rm -rf "$ARTIFACTS"
load_before="$(cut -d' ' -f1 /proc/loadavg)"
(cd "$PROJECT" && dotnet "bin/Release/net10.0/ActorConnect.Bench.Transforms.dll" --filter '*TransformChainBenchmark*' --exporters github --artifacts "$ARTIFACTS" "$@")
load_after="$(cut -d' ' -f1 /proc/loadavg)"
report="$(ls "$ARTIFACTS"/results/*-report-github.md | head -1)"
{
  echo "# Transform chain: records per second"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $load_before before, $load_after after."
  echo "Per record: the chain, then JsonConverter (schemas.enable=false) on a 100-byte line with a string schema; 10,000 records per operation."
  echo
  sed -n '/^|/,$p' "$report"
} > "$OUT"
# The CSV report is written in fixed units with invariant numbers (see the project's Program.cs), so the merge reads it
# the same way on any machine; the Markdown above keeps the units BenchmarkDotNet picked.
csv="$(ls "$ARTIFACTS"/results/*-report.csv | head -1)"
cp "$csv" "$RESULTS/transforms.csv"
cat "$OUT"
