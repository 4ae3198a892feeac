#!/usr/bin/env bash
# Changes per second from PostgreSQL's WAL into Kafka (issue 20's benchmark), on demand, never a test:
#   - streaming: BENCH_CDC_ROWS rows inserted BENCH_CDC_BATCH per transaction into a table of (bigint key, 49-byte
#     text, numeric, timestamp), after two pgoutput slots were created on its publication, so each slot holds the
#     same WAL backlog; then the raw Npgsql pgoutput reader (acbench-jdbc raw-replication: every column of every
#     insert read as text, the ceiling) drains one, and ActorConnect's PostgresConnector (snapshot.mode=no_data) the
#     other into Kafka, from the host's launch until the topic holds every change; the raw reader drains a last slot
#     after the connector's rows, and the faster of its two readings is the ceiling (the load moves on a shared machine);
#   - initial snapshot: BENCH_CDC_SNAPSHOT_ROWS rows read by the raw streamed SELECT (acbench-jdbc raw-read, the
#     ceiling) and by the connector (snapshot.mode=initial_only) into Kafka.
#   JsonConverter with schemas (Debezium's usual setting), and the same backlog again schemaless (a third slot);
#   the floor under each streaming row: the connector's output read back and produced alone by the raw producer.
#   Each run's output is checked: the topic then holds exactly the rows (no change lost, none twice).
# Writes bench/results/cdc.md and appends its rows to bench/results/cdc.csv.
#   bench/postgres-cdc.sh   BENCH_CDC_ROWS (1000000), BENCH_CDC_BATCH (1000), BENCH_CDC_SNAPSHOT_ROWS (BENCH_CDC_ROWS),
#                           BENCH_TIMEOUT_S (900), BENCH_RESULTS_DIR (bench/results), BENCH_HOST_DLL (this tree's host, published ReadyToRun)
#   Kafka: KAFKA_BOOTSTRAP_SERVERS (+ KAFKA_BROKER_LEGACY=1 for the 0.9 broker), or scripts/kafka-local.sh's; PostgreSQL:
#   scripts/postgres-local.sh's (POSTGRES_LOCAL_PORT), which has wal_level=logical.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${BENCH_CDC_ROWS:-1000000}"
BATCH="${BENCH_CDC_BATCH:-1000}"
SNAP_ROWS="${BENCH_CDC_SNAPSHOT_ROWS:-$ROWS}"
LAT_RATE="${BENCH_CDC_LATENCY_RATE:-5000}"
LAT_S="${BENCH_CDC_LATENCY_S:-30}"
TIMEOUT_S="${BENCH_TIMEOUT_S:-900}"
RUN_ID="$(date +%Y%m%d%H%M%S)"
WORK="$REPO/bench/.work/cdc-$RUN_ID"
RESULTS="${BENCH_RESULTS_DIR:-$REPO/bench/results}"
ACBENCH="$REPO/bench/ActorConnect.Bench/bin/Release/net10.0/acbench.dll"
JDBC="$REPO/bench/ActorConnect.Bench.Jdbc/bin/Release/net10.0/acbench-jdbc.dll"
mkdir -p "$WORK" "$RESULTS"
rate() { awk -v r="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", r / s; else print "-" }'; }
after() { awk -v r="$1" -v s="$2" -v f="$3" 'BEGIN { if (s > f && f != "") printf "%.0f", (r - 1) / (s - f); else print "-" }'; }

source "$REPO/bench/postgres-bench-env.sh"
db="${db:-postgres}"
sql() { PGPASSWORD="$pass" psql -h "$host" -p "$port" -U "$user" -d "$db" -qAtc "$1"; }

STREAM="bench_cdc_$RUN_ID"
SNAP="bench_cdcsnap_$RUN_ID"
LAT="bench_cdclat_$RUN_ID"
PREFIX="cdcbench_$RUN_ID"
# A slot left behind holds WAL forever: whatever happens, the run's slots, publications and tables go.
cleanup() {
  sql "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name LIKE 'bench_cdc%_$RUN_ID%' AND active_pid IS NOT NULL" >/dev/null 2>&1 || true
  sql "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'bench_cdc%_$RUN_ID%' AND NOT active" >/dev/null 2>&1 || true
  sql "DROP PUBLICATION IF EXISTS ${STREAM}_pub; DROP PUBLICATION IF EXISTS ${SNAP}_pub; DROP PUBLICATION IF EXISTS ${LAT}_pub; DROP TABLE IF EXISTS $STREAM; DROP TABLE IF EXISTS $SNAP; DROP TABLE IF EXISTS $LAT" >/dev/null 2>&1 || true
  # A run at 1M rows leaves about 11 GB of topics on the local broker, which filled the disk once: they go too
  # (BENCH_KEEP_TOPICS=1 keeps them; a broker other than kafka-local.sh's is left alone).
  if [[ -n "$LEGACY" && "${BENCH_KEEP_TOPICS:-0}" != 1 ]]; then
    local topic
    for topic in "${STREAM_TOPIC:-}" "${STREAM_TOPIC:+$STREAM_TOPIC.floor}" "${NS_TOPIC:-}" "${NS_TOPIC:+$NS_TOPIC.floor}" "${SNAP_TOPIC:-}" "${LAT_TOPIC:-}"; do
      [[ -n "$topic" ]] && bash "$REPO/scripts/kafka-local.sh" delete-topic "$topic" >/dev/null 2>&1 || true
    done
  fi
}
trap cleanup EXIT


connector() { # connector NAME TABLE SLOT SNAPSHOT_MODE AUTOCREATE [TOPIC_PREFIX]
  printf '%s\n' "name=cdc-bench-$1-$RUN_ID" \
    "connector.class=io.debezium.connector.postgresql.PostgresConnector" \
    "database.hostname=$host" "database.port=$port" "database.user=$user" "database.password=$pass" "database.dbname=$db" \
    "topic.prefix=${6:-$PREFIX}" "table.include.list=public.$2" "slot.name=$3" "publication.name=$2_pub" \
    "publication.autocreate.mode=$5" "snapshot.mode=$4" >"$WORK/$1.properties"
}

run_host() { # run_host NAME COUNT TOPIC: launches the host with $WORK/NAME.*, waits for COUNT records in TOPIC, prints RESULT + rss_mb + topic_count
  local name="$1" count="$2" topic="$3" t0 pid out rss total
  t0="$(date +%s.%N)"
  dotnet "$HOST_DLL" standalone "$WORK/$name.worker.properties" "$WORK/$name.properties" >"$WORK/$name.log" 2>&1 &
  pid=$!
  out="$(dotnet "$ACBENCH" wait-topic "$BOOTSTRAP" "$topic" "$count" "$TIMEOUT_S" --since "$t0" --pid "$pid" "$PROTO")" || true
  rss="$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null || echo 0)"
  # SIGTERM: a background job of a script ignores SIGINT.
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  total="$(dotnet "$ACBENCH" count-topic "$BOOTSTRAP" "$topic" "$PROTO" 2>/dev/null | tail -1)"
  echo "$out rss_mb=$rss topic_count=$total"
}

# The floor under a row: the connector's own output (the values it wrote, read back) produced by the raw producer
# alone into a fresh topic. Nothing that reads the WAL and writes these records to Kafka can beat it on this broker.
floor() { # floor TOPIC COUNT NAME: raw-produce's RESULT
  dotnet "$ACBENCH" raw-consume "$BOOTSTRAP" "$1" "$2" "$WORK/$3.values" "$PROTO" >/dev/null 2>&1
  if [[ -n "$LEGACY" ]]; then bash "$REPO/scripts/kafka-local.sh" topic "$1.floor" 1 >/dev/null 2>&1 || true; fi
  dotnet "$ACBENCH" raw-produce "$BOOTSTRAP" "$WORK/$3.values" "$1.floor" "$PROTO" 2>/dev/null
  rm -f "$WORK/$3.values"
}

check() { # check COUNT RUN_OUTPUT: "ok" when the topic holds exactly COUNT records
  if [[ "$(field topic_count "$2")" == "$1" ]]; then echo ok; else echo "FAILED (topic holds $(field topic_count "$2") of $1)"; fi
}

# Streaming: the same WAL backlog for both readers.
# The raw reader reads the backlog twice, before and after the connector's two rows (a slot each): on a shared machine
# the load moves during a run, and the faster of its two readings is the ceiling the shares are taken of.
dotnet "$JDBC" cdc-prepare "$CS" "$STREAM" "$ROWS" "$BATCH" "${STREAM}_pub" "${STREAM}_raw" "${STREAM}_ac" "${STREAM}_ns" "${STREAM}_raw2"
raw_out="$(dotnet "$JDBC" raw-replication "$CS" "${STREAM}_raw" "${STREAM}_pub" "$ROWS")"
sql "SELECT pg_drop_replication_slot('${STREAM}_raw')" >/dev/null
STREAM_TOPIC="$PREFIX.public.$STREAM"
if [[ -n "$LEGACY" ]]; then bash "$REPO/scripts/kafka-local.sh" topic "$STREAM_TOPIC" 1 >/dev/null 2>&1 || true; fi
worker "$WORK/stream.worker.properties"
connector stream "$STREAM" "${STREAM}_ac" no_data disabled
stream_out="$(run_host stream "$ROWS" "$STREAM_TOPIC")"
stream_floor="$(floor "$STREAM_TOPIC" "$ROWS" stream)"
# The same backlog with schemaless JSON (schemas.enable=false): a fifth of the bytes per change.
NS_TOPIC="${PREFIX}_ns.public.$STREAM"
if [[ -n "$LEGACY" ]]; then bash "$REPO/scripts/kafka-local.sh" topic "$NS_TOPIC" 1 >/dev/null 2>&1 || true; fi
worker "$WORK/ns.worker.properties"
printf '%s\n' "key.converter.schemas.enable=false" "value.converter.schemas.enable=false" >>"$WORK/ns.worker.properties"
connector ns "$STREAM" "${STREAM}_ns" no_data disabled "${PREFIX}_ns"
ns_out="$(run_host ns "$ROWS" "$NS_TOPIC")"
ns_floor="$(floor "$NS_TOPIC" "$ROWS" ns)"
raw2_out="$(dotnet "$JDBC" raw-replication "$CS" "${STREAM}_raw2" "${STREAM}_pub" "$ROWS")"
sql "SELECT pg_drop_replication_slot('${STREAM}_raw2')" >/dev/null

# Initial snapshot: the raw streamed SELECT, then the connector's snapshot of the same table.
dotnet "$JDBC" prepare "$CS" "$SNAP" "$SNAP_ROWS"
read_out="$(dotnet "$JDBC" raw-read "$CS" "$SNAP")"
SNAP_TOPIC="$PREFIX.public.$SNAP"
if [[ -n "$LEGACY" ]]; then bash "$REPO/scripts/kafka-local.sh" topic "$SNAP_TOPIC" 1 >/dev/null 2>&1 || true; fi
worker "$WORK/snapshot.worker.properties"
connector snapshot "$SNAP" "${SNAP}_ac" initial_only filtered
snap_out="$(run_host snapshot "$SNAP_ROWS" "$SNAP_TOPIC")"

# Latency: the connector streaming a steady rate; the consumer starts once the task holds its slot.
sql "CREATE TABLE $LAT (id bigserial PRIMARY KEY, sent_us bigint NOT NULL)"
LAT_TOPIC="$PREFIX.public.$LAT"
LAT_COUNT="$(awk -v r="$LAT_RATE" -v s="$LAT_S" 'BEGIN { printf "%.0f", r * s }')"
if [[ -n "$LEGACY" ]]; then bash "$REPO/scripts/kafka-local.sh" topic "$LAT_TOPIC" 1 >/dev/null 2>&1 || true; fi
worker "$WORK/latency.worker.properties"
connector latency "$LAT" "${LAT}_ac" no_data filtered
dotnet "$HOST_DLL" standalone "$WORK/latency.worker.properties" "$WORK/latency.properties" >"$WORK/latency.log" 2>&1 &
lat_pid=$!
for _ in $(seq 1 600); do
  [[ "$(sql "SELECT active FROM pg_replication_slots WHERE slot_name = '${LAT}_ac'")" == t ]] && break
  kill -0 "$lat_pid" 2>/dev/null || break
  sleep 0.2
done
dotnet "$ACBENCH" cdc-latency "$BOOTSTRAP" "$LAT_TOPIC" "$LAT_COUNT" "$((LAT_S + 120))" "$PROTO" >"$WORK/latency.result" &
consumer_pid=$!
steady_out="$(dotnet "$JDBC" cdc-steady "$CS" "$LAT" "$LAT_RATE" "$LAT_S")"
wait "$consumer_pid" || true
lat_out="$(cat "$WORK/latency.result")"
lat_rss="$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$lat_pid/status" 2>/dev/null || echo 0)"
kill -TERM "$lat_pid" 2>/dev/null || true
wait "$lat_pid" 2>/dev/null || true

raw_before="$(field rows_per_s "$raw_out")"
raw_after="$(field rows_per_s "$raw2_out")"
raw_rate="$(awk -v a="$raw_before" -v b="$raw_after" 'BEGIN { print (b > a ? b : a) }')"
read_rate="$(field rows_per_s "$read_out")"
stream_s="$(field seconds "$stream_out")"
snap_s="$(field seconds "$snap_out")"
stream_rate="$(rate "$ROWS" "$stream_s")"
snap_rate="$(rate "$SNAP_ROWS" "$snap_s")"
stream_first="$(field first_seconds "$stream_out")"
snap_first="$(field first_seconds "$snap_out")"
stream_after="$(after "$ROWS" "$stream_s" "$stream_first")"
snap_after="$(after "$SNAP_ROWS" "$snap_s" "$snap_first")"
ns_s="$(field seconds "$ns_out")"
ns_rate="$(rate "$ROWS" "$ns_s")"
ns_first="$(field first_seconds "$ns_out")"
ns_after="$(after "$ROWS" "$ns_s" "$ns_first")"
floor_row() { # floor_row LABEL RESULT: a table row for a floor (the raw producer's rate from its start and its loop's)
  echo "| $1 | $(field lines "$2") | $(field seconds "$2") | $(printf '%.0f' "$(field rate "$2")") | | | $(printf '%.0f' "$(field loop_rate "$2")") | | $(( $(field vmhwm_kb "$2") / 1024 )) | |"
}
{
  echo "# PostgreSQL CDC benchmark: WAL → Kafka"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
  echo "PostgreSQL $(psql --version 2>/dev/null | awk '{print $3}') (scripts/postgres-local.sh) and Kafka at $BOOTSTRAP on the same machine; rows of (bigint key, 49-byte text, numeric, timestamp),"
  echo "streamed: $ROWS inserted $BATCH per transaction before either reader starts (a WAL backlog); snapshot: $SNAP_ROWS rows."
  echo "ActorConnect: PostgresConnector (pgoutput), JsonConverter with schemas, times from the host's launch (start-up included) until the topic holds every change;"
  echo "output checked: the topic then holds exactly that many records."
  echo "Floors: the connector's output read back from its topic and produced alone by the raw producer (acbench raw-produce: values only, no key) into a fresh topic;"
  echo "after start-up for a floor is its produce loop. Streaming's share of the floor after start-up: $(pct "$stream_after" "$(field loop_rate "$stream_floor")") with schemas, $(pct "$ns_after" "$(field loop_rate "$ns_floor")") schemaless."
  echo
  echo "| Path | Changes | Seconds | Changes/s | Share of the ceiling | Start-up s | Changes/s after start-up | Share after start-up | Peak RSS MB | Output |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  echo "| raw Npgsql pgoutput reader, before the connector's rows | $ROWS | $(field seconds "$raw_out") | $raw_before | | | | | | |"
  echo "| raw Npgsql pgoutput reader, after them (the faster of the two is the ceiling) | $ROWS | $(field seconds "$raw2_out") | $raw_after | | | | | | |"
  echo "| **ActorConnect** WAL → Kafka (streaming) | $ROWS | $stream_s | $stream_rate | $(pct "$stream_rate" "$raw_rate") | $stream_first | $stream_after | $(pct "$stream_after" "$raw_rate") | $(field rss_mb "$stream_out") | $(check "$ROWS" "$stream_out") |"
  floor_row "raw producer alone, the same records (floor)" "$stream_floor"
  echo "| **ActorConnect** WAL → Kafka, schemaless JSON | $ROWS | $ns_s | $ns_rate | $(pct "$ns_rate" "$raw_rate") | $ns_first | $ns_after | $(pct "$ns_after" "$raw_rate") | $(field rss_mb "$ns_out") | $(check "$ROWS" "$ns_out") |"
  floor_row "raw producer alone, the same schemaless records (floor)" "$ns_floor"
  echo "| raw Npgsql streamed SELECT (ceiling) | $SNAP_ROWS | $(field seconds "$read_out") | $read_rate | | | | | | |"
  echo "| **ActorConnect** initial snapshot → Kafka | $SNAP_ROWS | $snap_s | $snap_rate | $(pct "$snap_rate" "$read_rate") | $snap_first | $snap_after | $(pct "$snap_after" "$read_rate") | $(field rss_mb "$snap_out") | $(check "$SNAP_ROWS" "$snap_out") |"
  echo
  echo "End-to-end latency, INSERT to a consumer of the topic, at a steady $LAT_RATE changes/s for $LAT_S s ($(field rows "$steady_out") rows inserted in $(field seconds "$steady_out") s):"
  echo
  echo "| Path | Changes | p50 ms | p99 ms | Max ms | Peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| **ActorConnect** WAL → Kafka → consumer | $(field count "$lat_out") | $(field p50_ms "$lat_out") | $(field p99_ms "$lat_out") | $(field max_ms "$lat_out") | $lat_rss |"
} | tee "$RESULTS/cdc.md"
if [[ ! -f "$RESULTS/cdc.csv" ]]; then
  echo "run,path,changes,seconds,changes_per_s,peak_rss_mb,startup_seconds,changes_per_s_after_startup,output,p50_ms,p99_ms" >"$RESULTS/cdc.csv"
fi
printf '%s\n' "$RUN_ID,raw-pgoutput,$ROWS,$(field seconds "$raw_out"),$raw_before,,,,,," \
  "$RUN_ID,raw-pgoutput-after,$ROWS,$(field seconds "$raw2_out"),$raw_after,,,,,," \
  "$RUN_ID,ac-stream,$ROWS,$stream_s,$stream_rate,$(field rss_mb "$stream_out"),$stream_first,$stream_after,$(check "$ROWS" "$stream_out" | cut -d' ' -f1),," \
  "$RUN_ID,raw-produce-stream-output,$ROWS,$(field seconds "$stream_floor"),$(field rate "$stream_floor"),$(( $(field vmhwm_kb "$stream_floor") / 1024 )),,$(field loop_rate "$stream_floor"),,," \
  "$RUN_ID,ac-stream-schemaless,$ROWS,$ns_s,$ns_rate,$(field rss_mb "$ns_out"),$ns_first,$ns_after,$(check "$ROWS" "$ns_out" | cut -d' ' -f1),," \
  "$RUN_ID,raw-produce-schemaless-output,$ROWS,$(field seconds "$ns_floor"),$(field rate "$ns_floor"),$(( $(field vmhwm_kb "$ns_floor") / 1024 )),,$(field loop_rate "$ns_floor"),,," \
  "$RUN_ID,raw-select,$SNAP_ROWS,$(field seconds "$read_out"),$read_rate,,,,,," \
  "$RUN_ID,ac-snapshot,$SNAP_ROWS,$snap_s,$snap_rate,$(field rss_mb "$snap_out"),$snap_first,$snap_after,$(check "$SNAP_ROWS" "$snap_out" | cut -d' ' -f1),," \
  "$RUN_ID,ac-latency-$LAT_RATE,$(field count "$lat_out"),$(field seconds "$steady_out"),$LAT_RATE,$lat_rss,,,,$(field p50_ms "$lat_out"),$(field p99_ms "$lat_out")" >>"$RESULTS/cdc.csv"
