#!/usr/bin/env bash
# The whole benchmark suite, on demand (never in CI): one command, each part's results under bench/results/, then all
# of them merged into one CSV, one summary and one chart.
#   bench/run.sh         file -> Kafka and Kafka -> file beside Kafka Connect 0.9 and the raw Confluent.Kafka clients,
#                        and a file that grows at a steady rate; peak RSS and CPU: latest.md, throughput.csv, throughput.png
#   bench/failover.sh    distributed: failover after SIGKILL (10 rounds), a connector's throughput while another is
#                        created and deleted: failover.md, failover.csv
#   bench/transforms.sh  records/s through a chain of three transforms against none: transforms.md, transforms.csv
#   bench/jdbc.sh        PostgreSQL -> Kafka -> PostgreSQL beside raw Npgsql read and COPY: jdbc.md, jdbc.csv
#   merge                every part's figures as the parts left them (the latest run of each) in suite.csv
#                        (part,case,system,metric,value,unit,run_date), suite.md (a table per part, ActorConnect's ratios
#                        to Kafka Connect and to the raw client) and suite.png (a panel per part and unit):
#                        acbench suite-merge and acbench-chart --suite. The parts' own files stay as they are.
#
#   bash bench/suite.sh                 every part, then the merge
#   bash bench/suite.sh --merge-only    only the merge, from the results already there (no broker, no database)
#
# Each part can be run alone; BENCH_PARTS="run failover" runs a subset (the merge still takes every part's latest
# results). A failing part is reported and the rest run; the merge runs whatever failed. BENCH_RESULTS_DIR (bench/results)
# is where every part writes and the merge reads; BENCH_SKIP_BUILD=1 skips the merge's builds (the parts honour it too).
set -uo pipefail   # no -e: a failing part must not stop the others

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="${BENCH_RESULTS_DIR:-$BENCH/results}"
export BENCH_RESULTS_DIR="$RESULTS"   # the parts write where the merge reads
ACBENCH="$BENCH/ActorConnect.Bench/bin/Release/net10.0/acbench.dll"
CHART="$BENCH/ActorConnect.Bench.Chart/bin/Release/net10.0/acbench-chart.dll"

case "${1:-}" in
  "") parts="${BENCH_PARTS:-run failover transforms jdbc}" ;;
  --merge-only) parts="" ;;
  *) echo "usage: bash bench/suite.sh [--merge-only]" >&2; exit 2 ;;
esac

failed=()
for part in $parts; do
  echo "suite: bench/$part.sh" >&2
  bash "$BENCH/$part.sh" || failed+=("$part")
done

# ---------------------------------------------------------------- merge
echo "suite: merging the results in $RESULTS" >&2
merged=1
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  for project in ActorConnect.Bench ActorConnect.Bench.Chart; do
    dotnet build "$BENCH/$project" -c Release -nologo -v q >/dev/null 2>&1 || { echo "suite: bench/$project does not build" >&2; merged=0; }
  done
fi
if ((merged)); then
  dotnet "$ACBENCH" suite-merge "$RESULTS" || merged=0
fi
if ((merged)); then
  # A missing chart leaves the CSV and the summary (which links it) usable: say so, do not fail the suite for it.
  dotnet "$CHART" --suite "$RESULTS/suite.csv" "$RESULTS/suite.png" >&2 || echo "suite: the chart could not be drawn; suite.csv and suite.md are written" >&2
fi
((merged)) || failed+=("merge")

if ((${#failed[@]})); then
  echo "suite: failed: ${failed[*]}" >&2
  exit 1
fi
echo "suite: done; results in $RESULTS (summary: suite.md)" >&2
