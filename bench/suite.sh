#!/usr/bin/env bash
# The whole benchmark suite, on demand (never in CI): one command, each part's results under bench/results/.
#   bench/run.sh         file -> Kafka and Kafka -> file beside Kafka Connect 0.9 and the raw Confluent.Kafka clients,
#                        peak RSS and CPU: latest.md, throughput.csv, throughput.png
#   bench/failover.sh    distributed: failover after SIGKILL (10 rounds), a connector's throughput while another is
#                        created and deleted: failover.md, failover.csv
#   bench/transforms.sh  records/s through a chain of three transforms against none: transforms.md
#   bench/jdbc.sh        PostgreSQL -> Kafka -> PostgreSQL beside raw Npgsql read and COPY: jdbc.md, jdbc.csv
# Each part can be run alone; BENCH_PARTS="run failover" runs a subset. A failing part is reported and the rest run.
set -uo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
failed=()
for part in ${BENCH_PARTS:-run failover transforms jdbc}; do
  echo "suite: bench/$part.sh" >&2
  bash "$BENCH/$part.sh" || failed+=("$part")
done
if ((${#failed[@]})); then
  echo "suite: failed: ${failed[*]}" >&2
  exit 1
fi
echo "suite: done; results in $BENCH/results" >&2
